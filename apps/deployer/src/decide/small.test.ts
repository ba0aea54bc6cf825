import { ANNOTATIONS, MAX_REJECTED, parseRejected, withRejected, type DeliveryStatus } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { NEW, NOW, OLD, delivery, deployment, pod } from './fixtures.testkit.js';
import { sha } from '../testing/deployer.testkit.js';
import { leaseDecision } from './lease.js';
import { environmentQueue, newerPushOnLine, pushOf, waitingCount } from './queue.js';
import { podFailure } from './rollout.js';
import { scaleDownPlan } from './scale-down.js';
import { finishDeploy, supersede } from './status.js';

describe('rejected revisions', () => {
  it('are kept once each, newest last, bounded', () => {
    let value: string | undefined;
    for (let i = 0; i < MAX_REJECTED + 5; i++) value = withRejected(value, `sha${i}`);
    value = withRejected(value, 'sha10');
    const list = parseRejected(value);
    expect(list).toHaveLength(MAX_REJECTED);
    expect(list.at(-1)).toBe('sha10');
    expect(list.filter((s) => s === 'sha10')).toHaveLength(1);
  });
});

describe('leaseDecision', () => {
  const lease = (holder: string, renewedAgoMs: number) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {},
    spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new Date(NOW - renewedAgoMs).toISOString() },
  });
  it('creates, holds, renews, waits for another holder and takes an expired lease', () => {
    expect(leaseDecision(undefined, 'me', NOW, 15_000)).toEqual({ kind: 'create' });
    expect(leaseDecision(lease('me', 1_000), 'me', NOW, 15_000)).toMatchObject({ kind: 'held' });
    expect(leaseDecision(lease('me', 6_000), 'me', NOW, 15_000)).toEqual({ kind: 'take', transition: false });
    expect(leaseDecision(lease('other', 1_000), 'me', NOW, 15_000)).toEqual({ kind: 'blocked', holder: 'other', untilMs: NOW + 14_000 });
    expect(leaseDecision(lease('other', 16_000), 'me', NOW, 15_000)).toEqual({ kind: 'take', transition: true });
  });
});

describe('environmentQueue', () => {
  it('keeps the running delivery, else takes the newest waiting one and supersedes older waiting ones', () => {
    const older = delivery(OLD);
    const newer = { ...delivery(NEW), spec: { ...delivery(NEW).spec, receivedAt: '2026-01-01T11:10:00.000Z' } };
    expect(environmentQueue([older, newer], 'production')).toEqual({ current: newer, superseded: [older] });
    const runningOld = delivery(OLD, { state: 'running' }, 'Deploying');
    expect(environmentQueue([runningOld, newer], 'production')).toEqual({ current: runningOld, superseded: [] });
  });

  it('waits for every earlier stage: no deploy before the build, no production before staging', () => {
    const building = delivery(NEW);
    building.status.stages[1] = { name: 'build', state: 'running' };
    expect(environmentQueue([building], 'production').current).toBeUndefined();
  });
});

describe('a supersede asked for in the middle of an environment', () => {
  const request = { phase: 'Superseded', message: 'superseded by d-newer', supersededBy: 'd-newer', requestedAt: '2026-01-01T11:59:00.000Z' } as const;
  const inStaging = (): DeliveryStatus => {
    const d = delivery(OLD, { environment: 'staging', state: 'running' }, 'Deploying');
    return { ...d.status, stages: [...d.status.stages, { name: 'deploy', environment: 'production', state: 'pending' }], endRequested: request };
  };

  it('is only recorded while the environment runs: the stage keeps running', () => {
    const running = { ...inStaging(), endRequested: undefined };
    const next = supersede('superseded by d-newer', 'd-newer')(running, NOW_DATE);
    expect(next?.phase).toBe('Deploying');
    expect(next?.endRequested).toMatchObject({ phase: 'Superseded', supersededBy: 'd-newer' });
    expect(next?.stages.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'running', 'pending']);
  });

  it('ends the delivery when that environment baked healthily, instead of going on to production', () => {
    const next = finishDeploy('staging', false, 'live in staging')(inStaging(), NOW_DATE);
    expect(next).toMatchObject({ phase: 'Superseded', reason: 'Superseded', supersededBy: 'd-newer' });
    expect(next?.stages.map((s) => [s.environment, s.state])).toEqual([
      [undefined, 'succeeded'],
      [undefined, 'succeeded'],
      ['staging', 'succeeded'],
      ['production', 'canceled'],
    ]);
  });

  it('lets the last environment end Live: the revision is deployed and watched', () => {
    const d = delivery(OLD, { state: 'running' }, 'Verifying');
    expect(finishDeploy('production', true, 'live')({ ...d.status, endRequested: request }, NOW_DATE)?.phase).toBe('Live');
  });
});

const NOW_DATE = new Date(NOW);

describe('newerPushOnLine', () => {
  const push = (name: string, receivedAt: string, extra: { ref?: string; iid?: number; rollback?: boolean } = {}) =>
    pushOf({
      metadata: { name, ...(extra.rollback && { annotations: { [ANNOTATIONS.rollback]: 'production' } }) },
      spec: {
        project: { id: 1, path: 'team/shop' },
        refType: 'branch',
        ref: extra.ref ?? 'main',
        receivedAt,
        ...(extra.iid !== undefined && { mergeRequest: { iid: extra.iid, sourceBranch: 'x', targetBranch: 'main', title: 't', url: 'https://g/x', sourceProjectId: 1 } }),
      } as Parameters<typeof pushOf>[0]['spec'],
    });
  const older = push('main-a', '2026-01-01T11:00:00.000Z');

  it('names the newest push to the same ref received after it, whether or not that one has a status yet', () => {
    const pushes = [older, push('main-b', '2026-01-01T11:00:01.000Z'), push('main-c', '2026-01-01T11:00:02.000Z'), push('dev-d', '2026-01-01T11:00:03.000Z', { ref: 'dev' })];
    expect(newerPushOnLine(older, pushes)).toBe('main-c');
    expect(newerPushOnLine(pushes[2] as ReturnType<typeof push>, pushes)).toBeUndefined();
  });

  it('keeps merge requests apart by iid, and leaves manual rollbacks alone either way', () => {
    expect(newerPushOnLine(push('mr-1', '2026-01-01T11:00:00.000Z', { iid: 1 }), [push('mr-2', '2026-01-01T11:00:05.000Z', { iid: 2 })])).toBeUndefined();
    expect(newerPushOnLine(older, [older, push('main-r', '2026-01-01T11:00:09.000Z', { rollback: true })])).toBeUndefined();
    expect(newerPushOnLine(push('main-r', '2026-01-01T10:00:00.000Z', { rollback: true }), [older])).toBeUndefined();
  });
});

describe('waitingCount', () => {
  /** A delivery at production's turn, pushed `minute` minutes after 11:00. */
  const pushed = (n: number, minute: number, stage: Parameters<typeof delivery>[1] = {}, phase: Parameters<typeof delivery>[2] = 'Building') => {
    const d = delivery(sha('good', n), stage, phase);
    return { ...d, metadata: { ...d.metadata, name: `push-${n}` }, spec: { ...d.spec, receivedAt: `2026-01-01T11:${String(minute).padStart(2, '0')}:00.000Z` } };
  };
  /** What the dashboard shows: the depth summed over the two replicas, one of which holds the Lease. */
  const dashboard = (deliveries: ReturnType<typeof pushed>[]) => waitingCount(deliveries, 'production', true) + waitingCount(deliveries, 'production', false);

  it('counts the pushes queued behind a running rollout once across replicas, not the one deploying', () => {
    const deploying = pushed(1, 0, { state: 'running' }, 'Deploying');
    const queued = [pushed(2, 5), pushed(3, 10)];
    expect(waitingCount([deploying, ...queued], 'production', true)).toBe(2);
    expect(waitingCount([deploying, ...queued], 'production', false)).toBe(0);
    expect(dashboard([deploying, ...queued])).toBe(2);
  });

  it('counts nothing for the one going nor for the older pushes it supersedes', () => {
    expect(dashboard([pushed(1, 0), pushed(2, 5), pushed(3, 10)])).toBe(0);
    expect(dashboard([pushed(1, 0, { state: 'running' }, 'Deploying')])).toBe(0);
    expect(dashboard([])).toBe(0);
  });

  it('does not count deliveries that are not at the environment yet', () => {
    const deploying = pushed(1, 0, { state: 'running' }, 'Deploying');
    const building = pushed(2, 5);
    building.status.stages[1] = { name: 'build', state: 'running' };
    expect(dashboard([deploying, building])).toBe(0);
  });
});

describe('podFailure', () => {
  it('is decided from waiting reasons and restarts, not guessed', () => {
    expect(podFailure([pod('p', 'green', NEW, { waiting: 'ImagePullBackOff', ready: false })])?.reason).toBe('ImagePullFailed');
    expect(podFailure([pod('p', 'green', NEW, { waiting: 'CrashLoopBackOff', ready: false, restarts: 1 })])?.reason).toBe('CrashLoop');
    expect(podFailure([pod('p', 'green', NEW, { ready: false })])).toBeUndefined();
  });
});

describe('scaleDownPlan', () => {
  it('scales down due colors but never the live one', () => {
    const due = deployment('blue', OLD);
    due.metadata.annotations = { [ANNOTATIONS.scaleDownAt]: new Date(NOW - 1).toISOString() };
    const later = deployment('green', NEW);
    later.metadata.annotations = { [ANNOTATIONS.scaleDownAt]: new Date(NOW + 5_000).toISOString() };
    expect(scaleDownPlan({ blue: due, green: later }, undefined, NOW)).toEqual({ now: ['blue'], recheckAtMs: NOW + 5_000 });
    expect(scaleDownPlan({ blue: due, green: later }, 'green', NOW)).toEqual({ now: ['blue'], recheckAtMs: undefined });
    expect(scaleDownPlan({ blue: due }, 'blue', NOW)).toEqual({ now: [], recheckAtMs: undefined });
  });
});

describe('decideManual', () => {
  it('switches back to the previous color only when it still has ready pods and no rollout runs', async () => {
    const { decideManual } = await import('./manual.js');
    const { application, facts, service } = await import('./fixtures.testkit.js');
    const withAction = { ...application, metadata: { ...application.metadata, annotations: { [ANNOTATIONS.action]: 'rollback' } } };
    const svc = service('green', {
      [ANNOTATIONS.revision]: NEW,
      [ANNOTATIONS.verifiedRevision]: NEW,
      [ANNOTATIONS.previousColor]: 'blue',
      [ANNOTATIONS.previousRevision]: OLD,
      [ANNOTATIONS.previousDelivery]: 'd-old',
      [ANNOTATIONS.previousReceivedAt]: '2026-01-01T10:00:00.000Z',
    });
    const deployments = { blue: deployment('blue', OLD), green: deployment('green', NEW) };
    const f = { ...facts({ service: svc, deployments, pods: [pod('b1', 'blue', OLD)] }), application: withAction };
    expect(decideManual(f, false)).toMatchObject({
      kind: 'rollback',
      to: 'blue',
      from: 'green',
      annotations: { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.previousRevision]: NEW, [ANNOTATIONS.verifiedRevision]: OLD },
    });
    expect(decideManual(f, true)).toEqual({ kind: 'none' });
    // The previous color is scaled down (or runs something else): redeploy the previous good revision.
    const redeploy = { kind: 'redeploy', revision: OLD, previousDelivery: 'd-old', receivedAt: '2026-01-01T10:00:00.000Z' };
    expect(decideManual({ ...f, pods: [] }, false)).toMatchObject(redeploy);
    expect(decideManual({ ...f, deployments: { ...deployments, blue: deployment('blue', sha('good', 9)) } }, false)).toMatchObject(redeploy);
    // Nothing good recorded: refused, with the reason recorded.
    const bare = service('green', { [ANNOTATIONS.revision]: NEW });
    expect(decideManual({ ...f, service: bare }, false)).toMatchObject({ kind: 'refuse', record: expect.stringMatching(/^rollback@.* refused: /) });
    expect(decideManual({ ...f, application }, false)).toEqual({ kind: 'none' });
  });
});
