import { describe, expect, it } from 'vitest';
import type { DeliveryStatus } from './delivery.js';
import { atSafePoint, endEarly, endRequestedAt } from './end-early.js';

const NOW = new Date('2026-01-01T12:00:00.000Z');

const testing: DeliveryStatus = {
  phase: 'Testing',
  posted: {},
  stages: [
    { name: 'test', state: 'succeeded', startedAt: '2026-01-01T11:59:00.000Z', finishedAt: '2026-01-01T11:59:30.000Z' },
    { name: 'build', state: 'running', startedAt: '2026-01-01T11:59:31.000Z' },
    { name: 'deploy', environment: 'production', state: 'pending' },
  ],
};

describe('endEarly', () => {
  it('supersedes a running delivery: phase, reason and newer Delivery recorded, unfinished stages canceled, finished ones kept', () => {
    const ended = endEarly(testing, { phase: 'Superseded', message: 'superseded by main-b', supersededBy: 'main-b', now: NOW });
    expect(ended?.outcome).toBe('ended');
    const next = ended?.status;
    expect(next).toMatchObject({ phase: 'Superseded', reason: 'Superseded', message: 'superseded by main-b', supersededBy: 'main-b' });
    expect(next?.stages.map((s) => [s.name, s.state, s.reason])).toEqual([
      ['test', 'succeeded', undefined],
      ['build', 'canceled', 'Superseded'],
      ['deploy', 'canceled', 'Superseded'],
    ]);
    expect(next?.stages[1]).toMatchObject({ message: 'superseded by main-b', finishedAt: NOW.toISOString() });
  });

  it('cancels a delivery nobody started yet', () => {
    expect(endEarly({ phase: 'Pending', stages: [], posted: {} }, { phase: 'Canceled', message: 'branch deleted', now: NOW })?.status).toMatchObject({
      phase: 'Canceled',
      reason: 'Canceled',
      message: 'branch deleted',
    });
  });

  it('leaves a delivery that already ended exactly as it ended, stages included', () => {
    for (const phase of ['Live', 'Failed', 'Superseded', 'Canceled'] as const) {
      const ended: DeliveryStatus = { ...testing, phase };
      expect(endEarly(ended, { phase: 'Superseded', message: 'x', now: NOW })).toBeUndefined();
    }
  });

  it('in the middle of an environment only records the request: the rollout, bake and rollback go on untouched', () => {
    const deploying = deployingIn('running');
    const asked = endEarly(deploying, { phase: 'Superseded', message: 'superseded by main-c', supersededBy: 'main-c', now: NOW });
    expect(asked?.outcome).toBe('deferred');
    expect(asked?.status).toEqual({
      ...deploying,
      endRequested: { phase: 'Superseded', message: 'superseded by main-c', supersededBy: 'main-c', requestedAt: NOW.toISOString() },
    });
    // Asked again (a retried webhook, a second replica): nothing to write.
    expect(endEarly(asked?.status as DeliveryStatus, { phase: 'Superseded', message: 'superseded by main-c', supersededBy: 'main-c', now: LATER })).toBeUndefined();
    // A newer push asks again: the newest one is named, the first time kept.
    const newer = endEarly(asked?.status as DeliveryStatus, { phase: 'Superseded', message: 'superseded by main-d', supersededBy: 'main-d', now: LATER });
    expect(newer?.status.endRequested).toEqual({ phase: 'Superseded', message: 'superseded by main-d', supersededBy: 'main-d', requestedAt: NOW.toISOString() });
  });

  it('ends at once a delivery waiting, unapproved, at a manual promotion gate: its new color took no traffic', () => {
    const gate = deployingIn('running', { promotion: 'waiting' });
    expect(atSafePoint(gate)).toBe(true);
    expect(endEarly(gate, { phase: 'Superseded', message: 'x', now: NOW })?.outcome).toBe('ended');
    const approved = deployingIn('running', { promotion: 'approved', approvedAt: NOW.toISOString() });
    expect(endEarly(approved, { phase: 'Superseded', message: 'x', now: NOW })?.outcome).toBe('deferred');
  });

  it('applies the requested end once the environment finished, and not before; a delivery that ended there stays as it ended', () => {
    const request = { phase: 'Superseded', message: 'superseded by main-c', supersededBy: 'main-c', requestedAt: NOW.toISOString() } as const;
    expect(endRequestedAt({ ...deployingIn('running'), endRequested: request }, LATER)).toBeUndefined();
    const stagingDone: DeliveryStatus = {
      ...deployingIn('succeeded'),
      stages: [...deployingIn('succeeded').stages, { name: 'deploy', environment: 'production', state: 'pending' }],
      endRequested: request,
    };
    const ended = endRequestedAt(stagingDone, LATER);
    expect(ended).toMatchObject({ phase: 'Superseded', supersededBy: 'main-c', message: 'superseded by main-c' });
    expect(ended?.stages.map((s) => [s.name, s.environment, s.state])).toEqual([
      ['test', undefined, 'succeeded'],
      ['build', undefined, 'succeeded'],
      ['deploy', 'staging', 'succeeded'],
      ['deploy', 'production', 'canceled'],
    ]);
    expect(endRequestedAt({ ...deployingIn('failed'), phase: 'RolledBack', endRequested: request }, LATER)).toBeUndefined();
    expect(endRequestedAt(deployingIn('succeeded'), LATER)).toBeUndefined();
  });
});

const LATER = new Date('2026-01-01T12:00:05.000Z');

/** Tested and built, its staging deploy stage in `state`. */
function deployingIn(state: 'running' | 'succeeded' | 'failed', extra: Partial<DeliveryStatus['stages'][number]> = {}): DeliveryStatus {
  return {
    phase: 'Deploying',
    posted: {},
    stages: [
      { name: 'test', state: 'succeeded' },
      { name: 'build', state: 'succeeded' },
      { name: 'deploy', environment: 'staging', state, startedAt: '2026-01-01T11:59:40.000Z', ...extra },
    ],
  };
}
