import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const noJitter = () => 0;
  const fullJitter = () => 1;

  it('doubles from the initial delay up to the cap', () => {
    const delays = [0, 1, 2, 3, 10].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 1_000 }, noJitter));
    expect(delays).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('uses 500 ms doubling to 30 s by default', () => {
    expect(backoffDelay(0, {}, noJitter)).toBe(500);
    expect(backoffDelay(100, {}, noJitter)).toBe(30_000);
  });

  it('removes at most the jitter share of the delay', () => {
    expect(backoffDelay(2, { initialMs: 100, jitter: 0.5 }, fullJitter)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(2, { initialMs: 100, jitter: 0.5 });
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });

  it('stays finite for very long outages', () => {
    expect(backoffDelay(1e9, { initialMs: 500, maxMs: 30_000 }, noJitter)).toBe(30_000);
  });
});
