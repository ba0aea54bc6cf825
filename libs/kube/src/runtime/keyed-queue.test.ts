import { describe, expect, it } from 'vitest';
import { KeyedQueue, type HandleResult } from './keyed-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedQueue', () => {
  it('handles a key added several times while queued once', async () => {
    const handled: string[] = [];
    const queue = new KeyedQueue({ concurrency: 1, handle: async (key) => (handled.push(key), {}) });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    queue.start();
    await queue.whenIdle();
    expect(handled).toEqual(['a', 'b']);
  });

  it('handles a key again when it changed while being handled, never twice at once', async () => {
    const gate = deferred();
    let concurrent = 0;
    let maxConcurrent = 0;
    let calls = 0;
    const queue = new KeyedQueue({
      concurrency: 4,
      handle: async (): Promise<HandleResult> => {
        calls++;
        maxConcurrent = Math.max(maxConcurrent, ++concurrent);
        if (calls === 1) await gate.promise;
        concurrent--;
        return {};
      },
    });
    queue.start();
    queue.add('a');
    queue.add('a'); // arrives while 'a' is being handled
    gate.resolve();
    await queue.whenIdle();
    expect(calls).toBe(2);
    expect(maxConcurrent).toBe(1);
  });

  it('retries a failing key with growing delays and reports each failure', async () => {
    const delays: number[] = [];
    let attempts = 0;
    const queue = new KeyedQueue({
      concurrency: 1,
      backoff: { initialMs: 5, maxMs: 20, jitter: 0 },
      onRetry: (_key, _lane, delayMs) => delays.push(delayMs),
      handle: async () => {
        if (++attempts < 4) throw new Error('not yet');
        return {};
      },
    });
    queue.start();
    queue.add('a');
    await new Promise((r) => setTimeout(r, 200));
    expect(attempts).toBe(4);
    expect(delays).toEqual([5, 10, 20]);
  });

  it('schedules a recheck at the deadline the handler asks for', async () => {
    const times: number[] = [];
    const start = Date.now();
    const queue = new KeyedQueue({
      concurrency: 1,
      handle: async () => {
        times.push(Date.now() - start);
        return times.length === 1 ? { recheckAtMs: start + 50 } : {};
      },
    });
    queue.start();
    queue.add('a');
    await new Promise((r) => setTimeout(r, 150));
    expect(times).toHaveLength(2);
    expect(times[1]).toBeGreaterThanOrEqual(45);
  });

  it('gives a thrown error to onError, but drops a key whose handler says stop, without retrying it', async () => {
    const errors: string[] = [];
    let calls = 0;
    const queue = new KeyedQueue({
      concurrency: 1,
      backoff: { initialMs: 5, jitter: 0 },
      isStop: (err) => err instanceof Error && err.message === 'fenced',
      onError: (key) => errors.push(key),
      handle: async (key) => {
        calls++;
        throw new Error(key === 'stop' ? 'fenced' : 'boom');
      },
    });
    queue.start();
    queue.add('stop');
    await queue.whenIdle();
    expect(calls).toBe(1);
    expect(errors).toEqual([]);
  });

  it('pauses a retried lane for at least its Retry-After', async () => {
    const times: number[] = [];
    const start = Date.now();
    const queue = new KeyedQueue({
      concurrency: 1,
      backoff: { initialMs: 1, jitter: 0 },
      handle: async (): Promise<HandleResult> => {
        times.push(Date.now() - start);
        return times.length === 1 ? { retry: { reason: 'unavailable', afterMs: 60 } } : {};
      },
    });
    queue.start();
    queue.add('a');
    await queue.whenIdle();
    expect(times).toHaveLength(2);
    expect(times[1]).toBeGreaterThanOrEqual(55);
  });
});

describe('KeyedQueue with lanes', () => {
  it('keeps serving other lanes while one is backing off', async () => {
    const handled: string[] = [];
    let slowFailures = 2;
    const lanes: Record<string, string> = { slow: 'p1', a: 'p2', b: 'p2', c: 'p2' };
    const queue = new KeyedQueue({
      concurrency: 2,
      laneOf: (key) => lanes[key] ?? key,
      backoff: { initialMs: 40, maxMs: 40 },
      handle: async (key): Promise<HandleResult> => {
        handled.push(key);
        if (key === 'slow' && slowFailures-- > 0) return { retry: { reason: 'unavailable', afterMs: null } };
        return {};
      },
    });
    queue.start();
    queue.add('slow');
    for (const key of ['a', 'b', 'c']) queue.add(key);
    await queue.whenIdle();
    expect(handled.filter((k) => k === 'slow')).toHaveLength(3);
    // p2's keys were all handled before the slow lane's first retry, in the order queued.
    expect(handled.indexOf('c')).toBeLessThan(handled.lastIndexOf('slow'));
    expect(handled.filter((k) => k !== 'slow')).toEqual(['a', 'b', 'c']);
  });

  it('handles the keys of one lane one at a time', async () => {
    let running = 0;
    let maxRunning = 0;
    const queue = new KeyedQueue({
      concurrency: 4,
      laneOf: () => 'one',
      handle: async () => {
        maxRunning = Math.max(maxRunning, ++running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        return {};
      },
    });
    queue.start();
    for (const key of ['a', 'b', 'c']) queue.add(key);
    await queue.whenIdle();
    expect(maxRunning).toBe(1);
  });
});
