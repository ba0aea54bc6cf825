import { describe, expect, it } from 'vitest';
import type { DeliveryStatus } from './delivery.js';
import { endEarly } from './end-early.js';

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
    const next = endEarly(testing, { phase: 'Superseded', message: 'superseded by main-b', supersededBy: 'main-b', now: NOW });
    expect(next).toMatchObject({ phase: 'Superseded', reason: 'Superseded', message: 'superseded by main-b', supersededBy: 'main-b' });
    expect(next?.stages.map((s) => [s.name, s.state, s.reason])).toEqual([
      ['test', 'succeeded', undefined],
      ['build', 'canceled', 'Superseded'],
      ['deploy', 'canceled', 'Superseded'],
    ]);
    expect(next?.stages[1]).toMatchObject({ message: 'superseded by main-b', finishedAt: NOW.toISOString() });
  });

  it('cancels a delivery nobody started yet', () => {
    expect(endEarly({ phase: 'Pending', stages: [], posted: {} }, { phase: 'Canceled', message: 'branch deleted', now: NOW })).toMatchObject({
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
});
