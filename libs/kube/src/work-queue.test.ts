import { describe, expect, it } from 'vitest';
import { WorkQueue, type HandleResult } from './work-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('WorkQueue', () => {
  it('handles a key added several times while queued once', async () => {
    const handled: string[] = [];
    const queue = new WorkQueue({ workers: 1, handle: async (key) => (handled.push(key), {}) });
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
    const queue = new WorkQueue({
      workers: 4,
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
    const queue = new WorkQueue({
      workers: 1,
      retry: { initialMs: 5, maxMs: 20 },
      onError: (_key, _err, retryInMs) => delays.push(retryInMs),
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
    const queue = new WorkQueue({
      workers: 1,
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
});
