import type { Delivery } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { admittedDeliveries } from './admission.js';

function delivery(name: string, receivedAt: string, phase: 'Pending' | 'Testing' | 'Failed' = 'Pending', test: 'pending' | 'running' | 'failed' = 'pending'): Delivery {
  return {
    metadata: { name },
    spec: { application: 'app', receivedAt },
    status: { phase, stages: [{ name: 'test', state: test }], posted: {} },
  } as unknown as Delivery;
}

const names = (ds: Delivery[]) => ds.map((d) => d.metadata.name);

describe('admittedDeliveries', () => {
  const base = { starting: new Set<string>(), canStart: () => true, maxConcurrentJobs: 2 };

  it('admits the oldest pushes first, as many as there are free slots', () => {
    const ds = [delivery('c', '2026-01-01T00:00:03Z'), delivery('a', '2026-01-01T00:00:01Z'), delivery('b', '2026-01-01T00:00:02Z')];
    expect(names(admittedDeliveries({ ...base, deliveries: ds }))).toEqual(['a', 'b']);
  });

  it('counts running test Jobs and starts in flight against the limit; ended Deliveries hold nothing', () => {
    const ds = [delivery('run', '2026-01-01T00:00:00Z', 'Testing', 'running'), delivery('x', '2026-01-01T00:00:05Z'), delivery('gone', '2026-01-01T00:00:00Z', 'Failed', 'failed')];
    expect(names(admittedDeliveries({ ...base, deliveries: ds }))).toEqual(['x']);
    expect(admittedDeliveries({ ...base, deliveries: ds, starting: new Set(['y']) })).toEqual([]);
  });

  it('skips Deliveries that cannot start (no Application), so they do not hold up the line', () => {
    const ds = [delivery('orphan', '2026-01-01T00:00:00Z'), delivery('ok', '2026-01-01T00:00:09Z')];
    expect(names(admittedDeliveries({ ...base, maxConcurrentJobs: 1, deliveries: ds, canStart: (d) => d.metadata.name !== 'orphan' }))).toEqual(['ok']);
  });
});
