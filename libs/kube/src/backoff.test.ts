import { describe, expect, it } from 'vitest';
import { backoffDelay, retryDelay } from './backoff.js';

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

describe('retryDelay', () => {
  it('is the backoff when no Retry-After was sent, and at least the Retry-After otherwise', () => {
    expect(retryDelay(3, null, { initialMs: 100, maxMs: 1_000 }, () => 0)).toBe(800);
    expect(retryDelay(0, 3_000, { initialMs: 100, maxMs: 1_000 }, () => 0)).toBe(3_000);
    // A short Retry-After does not undercut the backoff already reached.
    expect(retryDelay(5, 10, { initialMs: 100, maxMs: 1_000 }, () => 0)).toBe(1_000);
    // Up to 10 % on top of the Retry-After, so clients told the same second spread out.
    expect(retryDelay(0, 3_000, { initialMs: 100, jitter: 0 }, () => 1)).toBe(3_300);
  });
});
