import { describe, expect, it } from 'vitest';
import { rateLimit } from './diagnostics.js';

describe('rateLimit', () => {
  it('allows a burst per window and reports how many were dropped', () => {
    let now = 0;
    const allow = rateLimit(2, 1_000, () => now);
    expect([allow(), allow(), allow(), allow()]).toEqual([0, 0, false, false]);
    now = 1_000;
    expect(allow()).toBe(2);
    expect(allow()).toBe(0);
  });
});
