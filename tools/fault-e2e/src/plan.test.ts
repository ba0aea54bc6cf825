import { describe, expect, it } from 'vitest';
import { KILLED_SERVICES, makePlan, seedFrom } from './plan.js';

describe('makePlan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(makePlan(42)).toEqual(makePlan(42));
    expect(makePlan(43).pushes).not.toEqual(makePlan(42).pushes);
  });

  it.each([1, 2, 3, 1234567, 4294967295])('seed %i: 50 pushes over 5 branches within 30 s, ≥ 10 kills, non-overlapping GitLab stretches', (seed) => {
    const plan = makePlan(seed);
    expect(plan.pushes).toHaveLength(50);
    expect(new Set(plan.pushes.map((p) => p.branch)).size).toBe(5);
    for (const b of plan.branches) expect(plan.pushes.filter((p) => p.branch === b)).toHaveLength(10);
    expect(plan.pushes.at(-1)?.atMs).toBeLessThanOrEqual(30_000);
    plan.pushes.forEach((p, i) => i > 0 && expect(p.atMs - (plan.pushes[i - 1]?.atMs ?? 0)).toBeGreaterThanOrEqual(99));
    for (const kind of ['passing', 'failing', 'unhealthy']) expect(plan.pushes.some((p) => p.kind === kind)).toBe(true);
    expect(plan.kills.length).toBeGreaterThanOrEqual(10);
    for (const s of KILLED_SERVICES) {
      const times = plan.kills.filter((k) => k.service === s).map((k) => k.atMs);
      times.forEach((t, i) => i > 0 && expect(t - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(4_000));
    }
    plan.gitlabFaults.forEach((f, i) => {
      expect(f.untilMs).toBeGreaterThan(f.fromMs);
      if (i > 0) expect(f.fromMs).toBeGreaterThanOrEqual(plan.gitlabFaults[i - 1]?.untilMs ?? 0);
      if (f.status === 429) expect(f.retryAfter).toBe(1);
    });
    expect(new Set(plan.gitlabFaults.map((f) => f.status))).toEqual(new Set([429, 502]));
  });

  it('reads SLUICE_FAULT_SEED, or draws one', () => {
    expect(seedFrom({ SLUICE_FAULT_SEED: '77' })).toBe(77);
    expect(seedFrom({}, () => 5)).toBe(5);
    expect(() => seedFrom({ SLUICE_FAULT_SEED: 'x' })).toThrow(/SLUICE_FAULT_SEED/);
  });
});
