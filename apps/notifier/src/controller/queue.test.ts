import { describe, expect, it } from 'vitest';
import { backoffDelay, ProjectQueues, type LaneResult } from './queue.js';

const settings = { initialMs: 100, maxMs: 1_000, lockedMs: 50 };

describe('backoffDelay', () => {
  it('doubles with jitter up to the cap, and honours Retry-After', () => {
    expect(backoffDelay(1, null, settings, () => 0)).toBe(50);
    expect(backoffDelay(3, null, settings, () => 1)).toBe(400);
    expect(backoffDelay(20, null, settings, () => 1)).toBe(1_000);
    expect(backoffDelay(1, 3_000, settings, () => 0)).toBe(3_000);
    expect(backoffDelay(1, null, settings, () => 1, true)).toBe(50);
  });
});

describe('ProjectQueues', () => {
  it('keeps serving other projects while one is backing off', async () => {
    const handled: string[] = [];
    let slowFailures = 2;
    const queues = new ProjectQueues({
      concurrency: 2,
      backoff: { initialMs: 40, maxMs: 40 },
      handle: async (key): Promise<LaneResult> => {
        handled.push(key);
        if (key === 'slow' && slowFailures-- > 0) return { kind: 'retry', reason: 'unavailable', afterMs: null };
        return { kind: 'done' };
      },
    });
    queues.add('p1', 'slow');
    for (const key of ['a', 'b', 'c']) queues.add('p2', key);
    await queues.idle();
    expect(handled.filter((k) => k === 'slow')).toHaveLength(3);
    // p2's keys were all handled before the slow project's first retry.
    expect(handled.indexOf('c')).toBeLessThan(handled.lastIndexOf('slow'));
    expect(handled.slice(1, 4).sort()).toEqual(['a', 'b', 'c']);
  });

  it('handles a key added while it is being handled once more afterwards, never twice at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const queues = new ProjectQueues({
      concurrency: 4,
      handle: async () => {
        running += 1;
        calls += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
        return { kind: 'done' };
      },
    });
    queues.add('p', 'k');
    queues.add('p', 'k');
    await new Promise((resolve) => setTimeout(resolve, 2));
    queues.add('p', 'k');
    queues.add('p', 'k');
    await queues.idle();
    expect(calls).toBe(2);
    expect(maxRunning).toBe(1);
  });
});
