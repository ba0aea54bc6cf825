import { ANNOTATIONS, deliveryName, IDEMPOTENCY_LABEL, parseDelivery, type Delivery, type Phase } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { DeliveryStore, summaryOfDelivery } from '../deliveries.js';
import { application, fakeSha, FIXTURE_PROJECT, loadFixture, pushPayload, type FixtureName } from '../fixtures/index.js';
import { toIntakeEvent, type DeliverEvent, type RefDeletedEvent } from './event.js';
import { endedStatus, planIntake, type IntakePlan, type PlanInput } from './plan.js';

const NS = 'sluice-system';
const T0 = new Date('2026-04-02T08:00:00.000Z');
const TRACE = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };

function eventOf(event: string, json: unknown): DeliverEvent | RefDeletedEvent {
  const parsed = toIntakeEvent(event, json);
  if (parsed.kind !== 'deliver' && parsed.kind !== 'ref_deleted') throw new Error(`fixture is ${parsed.kind}`);
  return parsed;
}

function fixtureEvent(name: FixtureName): DeliverEvent | RefDeletedEvent {
  const fixture = loadFixture(name);
  return eventOf(fixture.event, fixture.json);
}

function plan(event: DeliverEvent | RefDeletedEvent, overrides: Partial<PlanInput> = {}): IntakePlan {
  return planIntake({
    event,
    application: application(),
    deliveries: new DeliveryStore(),
    namespace: NS,
    idempotencyKey: 'f1c7e0c2-5d7a-4c51-9a8e-1f0a2b3c4d5e',
    receivedAt: T0,
    annotations: { 'sluice.dev/traceparent': TRACE.traceparent, [ANNOTATIONS.requestId]: 'req-1' },
    ...overrides,
  });
}

/** What the cluster would hold after `created` was applied, in `phase`. */
function stored(created: IntakePlan, phase: Phase = 'Pending'): Delivery {
  if (created.action !== 'create') throw new Error(`expected a create plan, got ${created.action}`);
  const parsed = parseDelivery({ ...created.delivery, status: { phase } });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function push(branch: string, after: string, key: string, at = T0, deliveries = new DeliveryStore()): IntakePlan {
  return plan(eventOf('Push Hook', pushPayload(branch, fakeSha('parent'), after)), { idempotencyKey: key, receivedAt: at, deliveries });
}

describe('planIntake: new Deliveries', () => {
  it('creates a Delivery named from project, ref and SHA, with the webhook facts as spec', () => {
    const result = plan(fixtureEvent('push'));
    const json = loadFixture('push').json;
    expect(result.action).toBe('create');
    if (result.action !== 'create') return;
    const name = deliveryName({ project: FIXTURE_PROJECT.id, ref: 'refs/heads/trunk', sha: json['checkout_sha'] as string });
    expect(result.delivery.metadata).toMatchObject({
      name,
      namespace: NS,
      labels: {
        'sluice.dev/application': 'inventory',
        'sluice.dev/project': '7781',
        'sluice.dev/ref': 'trunk',
        [IDEMPOTENCY_LABEL]: 'f1c7e0c2-5d7a-4c51-9a8e-1f0a2b3c4d5e',
      },
      annotations: { 'sluice.dev/traceparent': TRACE.traceparent, [ANNOTATIONS.requestId]: 'req-1' },
    });
    expect(result.delivery.spec).toEqual({
      application: 'inventory',
      project: FIXTURE_PROJECT,
      repositoryUrl: 'https://gitlab.example.test/platform/inventory-svc.git',
      ref: 'trunk',
      refType: 'branch',
      before: json['before'],
      after: json['after'],
      checkoutSha: json['checkout_sha'],
      pusher: { name: 'Lin Haruki', username: 'lharuki' },
      idempotencyKey: 'f1c7e0c2-5d7a-4c51-9a8e-1f0a2b3c4d5e',
      receivedAt: T0.toISOString(),
      projectUrl: 'https://gitlab.example.test/platform/inventory-svc',
      commit: {
        title: 'trunk 3: adjust reservation timeout',
        authorName: 'Lin Haruki',
        url: `https://gitlab.example.test/platform/inventory-svc/-/commit/${json['checkout_sha'] as string}`,
      },
      environments: ['staging', 'production'],
    });
    expect(result.environments).toEqual(['staging', 'production']);
    // Decided once, in the spec; the old comma annotation is no longer written.
    expect(result.delivery.metadata.annotations).not.toHaveProperty('sluice.dev/environments');
    // No status: the status subresource would drop it on create, and status belongs to the controllers.
    expect(result.delivery).not.toHaveProperty('status');
    expect(result.supersede).toEqual([]);
  });

  it('plans test-only work for a branch whose rule lists no environment', () => {
    const result = plan(eventOf('Push Hook', pushPayload('feature/stock-alerts', fakeSha(1), fakeSha(2))));
    expect(result.action === 'create' && result.environments).toEqual([]);
  });

  it('delivers a branch with slashes to the environments its glob lists', () => {
    const result = plan(fixtureEvent('push-new-branch-slashes'));
    expect(result.action === 'create' && result.environments).toEqual(['staging']);
  });

  it('delivers an annotated tag at its commit, keeping the tag object as after', () => {
    const result = plan(fixtureEvent('tag-push-annotated'));
    const json = loadFixture('tag-push-annotated').json;
    expect(result.action).toBe('create');
    if (result.action !== 'create') return;
    expect(result.delivery.spec).toMatchObject({ ref: 'v3.1.0', refType: 'tag', checkoutSha: json['checkout_sha'], after: json['after'] });
    expect(result.delivery.metadata.name).toBe(deliveryName({ project: 7781, ref: 'refs/tags/v3.1.0', sha: json['checkout_sha'] as string }));
  });

  it('tests a fork merge request from the Application\'s own repository, never the fork\'s URL, though no rule names merge requests', () => {
    const result = plan(fixtureEvent('merge-request-open-fork'));
    expect(result.action).toBe('create');
    if (result.action !== 'create') return;
    expect(result.delivery.spec).toMatchObject({
      refType: 'merge_request',
      ref: 'feature/timeout-config',
      repositoryUrl: application().spec.repositoryUrl,
      mergeRequest: { iid: 214, sourceBranch: 'feature/timeout-config', targetBranch: 'trunk' },
    });
    expect(JSON.stringify(result.delivery)).not.toContain('lharuki/inventory-svc.git');
    expect(result.environments).toEqual([]);
  });

  it('names a Delivery without an Idempotency-Key from the push itself', () => {
    const result = plan(fixtureEvent('push'), { idempotencyKey: undefined });
    expect(result.action === 'create' && result.delivery.spec.idempotencyKey).toBe(`derived.${result.action === 'create' && result.delivery.metadata.name}`);
  });
});

describe('planIntake: nothing to do', () => {
  it('ignores a project no Application names', () => {
    expect(plan(fixtureEvent('push'), { application: undefined })).toMatchObject({ action: 'ignore', reason: 'no_application' });
  });

  it('ignores a branch the rules do not deliver', () => {
    const result = plan(eventOf('Push Hook', pushPayload('experiments/cache', fakeSha(1), fakeSha(2))));
    expect(result).toMatchObject({ action: 'ignore', reason: 'no_matching_rule' });
  });

  it('ignores a tag when only branches match', () => {
    const app = application('inventory', NS, { rules: [{ refs: '**', environments: [] }] });
    expect(plan(fixtureEvent('tag-push-annotated'), { application: app })).toMatchObject({ action: 'ignore', reason: 'no_matching_rule' });
  });

  it('answers a repeated Idempotency-Key with the existing Delivery, whatever the payload', () => {
    const deliveries = new DeliveryStore();
    const first = push('trunk', fakeSha('a'), 'key-1');
    deliveries.upsert(summaryOfDelivery(stored(first)));
    const again = plan(eventOf('Push Hook', pushPayload('trunk', fakeSha('x'), fakeSha('b'))), { deliveries, idempotencyKey: 'key-1' });
    expect(again).toEqual({ action: 'duplicate', delivery: first.action === 'create' && first.delivery.metadata.name, detail: expect.any(String) });
  });

  it('answers the same push under a new key with the existing Delivery (deterministic name)', () => {
    const deliveries = new DeliveryStore();
    const first = push('trunk', fakeSha('a'), 'key-1');
    deliveries.upsert(summaryOfDelivery(stored(first)));
    expect(push('trunk', fakeSha('a'), 'key-2').action).toBe('create');
    const again = plan(eventOf('Push Hook', pushPayload('trunk', fakeSha('parent'), fakeSha('a'))), { deliveries, idempotencyKey: 'key-2' });
    expect(again).toMatchObject({ action: 'duplicate' });
  });

  it('refuses an Idempotency-Key that cannot be stored', () => {
    expect(plan(fixtureEvent('push'), { idempotencyKey: 'has spaces in it' })).toMatchObject({ action: 'reject', reason: 'malformed' });
    expect(plan(fixtureEvent('push'), { idempotencyKey: 'k'.repeat(257) })).toMatchObject({ action: 'reject', reason: 'malformed' });
  });

  it('refuses a ref the Delivery model forbids even though GitLab sent it', () => {
    // One rule set for ref names (the delivery model's), applied as the payload is parsed.
    expect(toIntakeEvent('Push Hook', pushPayload('-rf', fakeSha(1), fakeSha(2)))).toMatchObject({ kind: 'invalid' });
  });
});

describe('planIntake: superseding and canceling', () => {
  it('supersedes unfinished Deliveries of the same branch, and only those', () => {
    const deliveries = new DeliveryStore();
    const running = push('trunk', fakeSha('old-1'), 'k1');
    const pending = push('trunk', fakeSha('old-2'), 'k2');
    const live = push('trunk', fakeSha('old-3'), 'k3');
    const otherBranch = push('release/2026.04', fakeSha('old-4'), 'k4');
    deliveries.upsert(summaryOfDelivery(stored(running, 'Testing')));
    deliveries.upsert(summaryOfDelivery(stored(pending, 'Pending')));
    deliveries.upsert(summaryOfDelivery(stored(live, 'Live')));
    deliveries.upsert(summaryOfDelivery(stored(otherBranch, 'Testing')));
    const newer = push('trunk', fakeSha('new'), 'k5', new Date(T0.getTime() + 1000), deliveries);
    expect(newer.action).toBe('create');
    const names = [running, pending].map((p) => (p.action === 'create' ? p.delivery.metadata.name : '')).sort();
    expect(newer.action === 'create' && newer.supersede).toEqual(names);
  });

  it('leaves a Delivery received after this webhook alone (another replica got a newer push)', () => {
    const deliveries = new DeliveryStore();
    deliveries.upsert(summaryOfDelivery(stored(push('trunk', fakeSha('newer'), 'k1', new Date(T0.getTime() + 5000)), 'Testing')));
    const older = push('trunk', fakeSha('older'), 'k2', T0, deliveries);
    expect(older.action === 'create' && older.supersede).toEqual([]);
  });

  it('cancels the unfinished Deliveries of a deleted branch', () => {
    const deliveries = new DeliveryStore();
    const building = push('release/2026.04/rc-1', fakeSha('rc-a'), 'k1');
    const failed = push('release/2026.04/rc-1', fakeSha('rc-b'), 'k2');
    const trunk = push('trunk', fakeSha('t'), 'k3');
    deliveries.upsert(summaryOfDelivery(stored(building, 'Building')));
    deliveries.upsert(summaryOfDelivery(stored(failed, 'Failed')));
    deliveries.upsert(summaryOfDelivery(stored(trunk, 'Testing')));
    const result = plan(fixtureEvent('push-branch-deleted'), { deliveries });
    expect(result).toEqual({
      action: 'cancel',
      namespace: NS,
      cancel: [building.action === 'create' && building.delivery.metadata.name],
      detail: 'branch release/2026.04/rc-1 was deleted',
    });
  });

  it('ignores a deletion with nothing running, even for a project without an Application', () => {
    expect(plan(fixtureEvent('push-branch-deleted'), { application: undefined })).toMatchObject({ action: 'ignore', reason: 'ref_deleted' });
  });

  it('does not cancel a branch Delivery when a tag of the same name is deleted', () => {
    const deliveries = new DeliveryStore();
    const anyBranch = application('inventory', NS, { rules: [{ refs: '**', environments: [] }] });
    const branch = plan(eventOf('Push Hook', pushPayload('v3.0.9', fakeSha('p'), fakeSha('b'))), { application: anyBranch });
    deliveries.upsert(summaryOfDelivery(stored(branch, 'Testing')));
    expect(plan(fixtureEvent('tag-push-deleted'), { deliveries, application: undefined })).toMatchObject({ action: 'ignore' });
  });
});

describe('status decisions', () => {
  const now = new Date('2026-04-02T09:00:00.000Z');

  it('ends a running Delivery as Superseded, naming the newer one and closing open stages', () => {
    const status = { phase: 'Testing', stages: [{ name: 'test', state: 'running' }, { name: 'build', state: 'pending' }, { name: 'deploy', environment: 'production', state: 'pending' }] };
    const ended = endedStatus(status, { phase: 'Superseded', message: 'superseded by trunk-b', supersededBy: 'trunk-b', now });
    expect(ended?.outcome).toBe('ended');
    const next = ended?.status;
    expect(next).toMatchObject({ phase: 'Superseded', reason: 'Superseded', supersededBy: 'trunk-b' });
    expect(next?.stages).toHaveLength(3);
    expect(next?.stages.every((s) => s.state === 'canceled' && s.finishedAt === now.toISOString())).toBe(true);
  });

  it('cancels a Delivery whose status was never written', () => {
    expect(endedStatus(undefined, { phase: 'Canceled', message: 'branch deleted', now })?.status).toMatchObject({ phase: 'Canceled', reason: 'Canceled' });
  });

  it('leaves a Delivery in the middle of an environment running, with the end requested for after it', () => {
    const status = { phase: 'Verifying', stages: [{ name: 'test', state: 'succeeded' }, { name: 'build', state: 'succeeded' }, { name: 'deploy', environment: 'production', state: 'running' }] };
    const asked = endedStatus(status, { phase: 'Superseded', message: 'superseded by trunk-b', supersededBy: 'trunk-b', now });
    expect(asked?.outcome).toBe('deferred');
    expect(asked?.status).toMatchObject({ phase: 'Verifying', endRequested: { phase: 'Superseded', supersededBy: 'trunk-b', requestedAt: now.toISOString() } });
    expect(asked?.status.stages.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'running']);
  });

  it('writes nothing over a Delivery that already ended', () => {
    for (const phase of ['Live', 'Failed', 'Canceled', 'Superseded'] as const) {
      expect(endedStatus({ phase }, { phase: 'Canceled', message: 'x', now })).toBeUndefined();
    }
  });
});
