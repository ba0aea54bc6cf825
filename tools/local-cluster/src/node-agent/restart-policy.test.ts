import { describe, expect, it } from 'vitest';
import { backoffStep, exitCodeForSignal, shouldRestart } from './restart-policy.js';

describe('shouldRestart', () => {
  it.each([
    ['Always', 'app', 0, true],
    ['Always', 'app', 1, true],
    ['OnFailure', 'app', 0, false],
    ['OnFailure', 'app', 2, true],
    ['Never', 'app', 3, false],
    ['Never', 'init', 1, false],
    ['OnFailure', 'init', 1, true],
    ['Always', 'init', 0, false],
    ['Never', 'sidecar', 0, true],
  ] as const)('%s %s exit %i → %s', (policy, kind, code, expected) => {
    expect(shouldRestart(policy, kind, code)).toBe(expected);
  });
});

describe('backoffStep', () => {
  const cfg = { initialMs: 1000, maxMs: 4000, resetAfterMs: 60_000 };
  it('restarts at once the first time, then doubles up to the cap', () => {
    let current = 0;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const step = backoffStep(current, 10, cfg);
      delays.push(step.delayMs);
      current = step.nextMs;
    }
    expect(delays).toEqual([0, 1000, 2000, 4000, 4000]);
  });
  it('forgets the back-off after a long healthy run', () => {
    expect(backoffStep(4000, 60_000, cfg)).toEqual({ delayMs: 0, nextMs: 1000 });
  });
});

describe('exitCodeForSignal', () => {
  it('reports 128 + signal number', () => {
    expect(exitCodeForSignal('SIGKILL')).toBe(137);
    expect(exitCodeForSignal('SIGTERM')).toBe(143);
    expect(exitCodeForSignal(null)).toBe(0);
  });
});
