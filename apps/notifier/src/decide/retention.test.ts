import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, ApplicationSchema, type Application, type Delivery, type DeliveryStatus, type PostedStatus } from '@sluice/delivery';
import { deliveryObject, fakeSha } from '../testing/delivery.testkit.js';
import { desiredFor } from './desired.js';
import { allPosted, reliedOn, reliedOnServices, retentionPlan } from './retention.js';

const options = { prefix: 'sluice', publicUrl: 'https://sluice.example.test' };
const NS = 'sluice-system';

function application(name: string, keepFinished?: number): Application {
  return ApplicationSchema.parse({
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: NS },
    spec: {
      project: { id: 7781, path: 'platform/inventory-svc' },
      repositoryUrl: 'https://gitlab.example.test/platform/inventory-svc.git',
      rules: [{ refs: 'main', environments: ['production'] }],
      test: { image: 'node:22', commands: ['npm test'] },
      build: { repository: 'registry.example.test/inventory' },
      environments: { production: { namespace: 'shop', deploymentName: 'inventory', serviceName: 'inventory' } },
      ...(keepFinished !== undefined && { history: { keepFinished } }),
    },
  });
}

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

/** A Delivery of `app` that finished (Live) at minute `minute`; `posted: false` leaves its final statuses unposted. */
function finished(name: string, minute: number, opts: { app?: string; posted?: boolean; phase?: DeliveryStatus['phase'] } = {}): Delivery {
  const base = deliveryObject({ name, namespace: NS, sha: fakeSha(name), environments: ['production'] });
  const stages: DeliveryStatus['stages'] = [
    { name: 'test', state: 'succeeded', startedAt: at(minute - 3), finishedAt: at(minute - 2) },
    { name: 'build', state: 'succeeded', startedAt: at(minute - 2), finishedAt: at(minute - 1) },
    { name: 'deploy', environment: 'production', state: 'succeeded', startedAt: at(minute - 1), finishedAt: at(minute) },
  ];
  const delivery: Delivery = { ...base, spec: { ...base.spec, application: opts.app ?? 'inventory' }, status: { phase: opts.phase ?? 'Live', stages, posted: {} } };
  return opts.posted === false ? delivery : withEverythingPosted(delivery);
}

/** What the notifier records once GitLab shows all of `delivery`. */
function withEverythingPosted(delivery: Delivery): Delivery {
  const desired = desiredFor(delivery, options);
  const posted: Record<string, PostedStatus> = {};
  const postedAt = '2026-01-01T13:00:00.000Z';
  for (const s of desired.statuses) posted[s.name] = { state: s.state, postedAt };
  for (const d of desired.deployments) {
    posted[d.environmentKey] = { state: 'success', postedAt };
    posted[d.key] = { state: d.status === 'success' ? 'success' : 'failed', postedAt, deploymentId: 1 };
  }
  return { ...delivery, status: { ...statusOf(delivery), posted } };
}

function statusOf(delivery: Delivery): DeliveryStatus {
  if (delivery.status === undefined) throw new Error(`${delivery.metadata.name} has no status`);
  return delivery.status;
}

function running(name: string): Delivery {
  const base = deliveryObject({ name, namespace: NS, sha: fakeSha(name), environments: ['production'] });
  return { ...base, status: { phase: 'Deploying', stages: [{ name: 'test', state: 'succeeded', finishedAt: at(0) }, { name: 'build', state: 'succeeded', finishedAt: at(0) }, { name: 'deploy', environment: 'production', state: 'running' }], posted: {} } };
}

const names = (plan: { remove: readonly Delivery[] }) => plan.remove.map((d) => d.metadata.name);
const none = new Set<string>();

describe('retentionPlan', () => {
  it('keeps the keepFinished newest finished Deliveries and deletes the older ones, oldest first', () => {
    const deliveries = [1, 2, 3, 4, 5, 6].map((i) => finished(`d${i}`, i * 10));
    const plan = retentionPlan({ application: application('inventory', 3), deliveries, reliedOn: none }, options, 50);
    expect(names(plan)).toEqual(['d1', 'd2', 'd3']);
    expect(plan).toMatchObject({ deferred: 0, finished: 6 });
  });

  it('orders by when a Delivery finished, not by when it was received', () => {
    // d-late was pushed first but finished last (a long build): it is the newest.
    const early = finished('d-early', 20);
    const late = finished('d-late', 30);
    const late2: Delivery = { ...late, spec: { ...late.spec, receivedAt: '2020-01-01T00:00:00.000Z' } };
    const plan = retentionPlan({ application: application('inventory', 1), deliveries: [late2, early], reliedOn: none }, options, 50);
    expect(names(plan)).toEqual(['d-early']);
  });

  it('keeps 50 finished Deliveries when the Application does not say', () => {
    const deliveries = Array.from({ length: 53 }, (_, i) => finished(`d${i}`, i));
    expect(names(retentionPlan({ application: application('inventory'), deliveries, reliedOn: none }, options, 50))).toEqual(['d0', 'd1', 'd2']);
  });

  it('never deletes a Delivery that is not in a final phase, and does not count it', () => {
    const deliveries = [running('r1'), finished('d1', 10), finished('d2', 20)];
    const plan = retentionPlan({ application: application('inventory', 1), deliveries, reliedOn: none }, options, 50);
    expect(names(plan)).toEqual(['d1']);
    expect(plan.finished).toBe(2);
  });

  it('never deletes a finished Delivery whose final statuses are not all posted', () => {
    const unposted = finished('d1', 10, { posted: false });
    expect(allPosted(unposted, options)).toBe(false);
    // One final status still running on GitLab's side: still not all posted.
    const partly = withEverythingPosted(finished('d0', 5));
    const lagging: Delivery = { ...partly, status: { ...statusOf(partly), posted: { ...statusOf(partly).posted, 'sluice/deploy:production': { state: 'running', postedAt: at(0) } } } };
    expect(allPosted(lagging, options)).toBe(false);
    const plan = retentionPlan({ application: application('inventory', 1), deliveries: [lagging, unposted, finished('d2', 20), finished('d3', 30)], reliedOn: none }, options, 50);
    expect(names(plan)).toEqual(['d2']);
  });

  it('never deletes the Deliveries the deployer relies on: live in an environment, or what a rollback returns to', () => {
    const services = [{ metadata: { annotations: { [ANNOTATIONS.delivery]: 'd1', [ANNOTATIONS.previousDelivery]: 'd2', [ANNOTATIONS.revision]: fakeSha('d1') } } }, undefined];
    const relied = reliedOn(services);
    expect([...relied].sort()).toEqual(['d1', 'd2']);
    const deliveries = [1, 2, 3, 4, 5].map((i) => finished(`d${i}`, i * 10));
    expect(names(retentionPlan({ application: application('inventory', 1), deliveries, reliedOn: relied }, options, 50))).toEqual(['d3', 'd4']);
  });

  it('never deletes, nor counts, a Delivery of another Application or another namespace', () => {
    const other = finished('o1', 1, { app: 'billing' });
    const elsewhere: Delivery = { ...finished('x1', 2), metadata: { name: 'x1', namespace: 'team-b' } };
    const deliveries = [other, elsewhere, finished('d1', 10), finished('d2', 20)];
    const plan = retentionPlan({ application: application('inventory', 1), deliveries, reliedOn: none }, options, 50);
    expect(names(plan)).toEqual(['d1']);
    expect(plan.finished).toBe(2);
  });

  it('deletes at most `limit` per pass, oldest first, and says how many wait', () => {
    const deliveries = [1, 2, 3, 4, 5, 6].map((i) => finished(`d${i}`, i * 10));
    const plan = retentionPlan({ application: application('inventory', 1), deliveries, reliedOn: none }, options, 2);
    expect(names(plan)).toEqual(['d1', 'd2']);
    expect(plan.deferred).toBe(3);
  });

  it('deletes a Failed Delivery like a Live one once posted', () => {
    const failed = finished('f1', 1, { phase: 'Failed' });
    const plan = retentionPlan({ application: application('inventory', 1), deliveries: [failed, finished('d2', 20)], reliedOn: none }, options, 50);
    expect(names(plan)).toEqual(['f1']);
  });
});

describe('reliedOnServices', () => {
  it("names each configured environment's Service", () => {
    expect(reliedOnServices(application('inventory'))).toEqual([{ environment: 'production', namespace: 'shop', name: 'inventory' }]);
  });
});
