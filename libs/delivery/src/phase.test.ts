import { describe, expect, it } from 'vitest';
import { PHASES } from './delivery.js';
import type { Phase } from './delivery.js';
import { canTransition, isTerminal, transition } from './phase.js';

// Every allowed move; everything else must be refused.
const ALLOWED: Record<Phase, readonly Phase[]> = {
  Pending: ['Testing', 'Building', 'Deploying', 'Verifying', 'Failed', 'Superseded', 'Canceled'],
  Testing: ['Building', 'Deploying', 'Verifying', 'Passed', 'Failed', 'Superseded', 'Canceled'],
  Building: ['Deploying', 'Verifying', 'Passed', 'Failed', 'Superseded', 'Canceled'],
  Deploying: ['Verifying', 'Live', 'Failed', 'RolledBack', 'Superseded', 'Canceled'],
  Verifying: ['Live', 'Failed', 'RolledBack', 'Superseded', 'Canceled'],
  Live: [],
  Passed: [],
  Failed: [],
  RolledBack: [],
  Superseded: [],
  Canceled: [],
};

const pairs = PHASES.flatMap((from) => PHASES.map((to) => [from, to, ALLOWED[from].includes(to)] as const));

describe('phase transitions', () => {
  it.each(pairs)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
    const result = transition(from, to);
    expect(result.ok).toBe(allowed);
    if (result.ok) expect(result.phase).toBe(to);
  });

  it.each([
    ['Testing', 'Testing', 'unchanged', 'delivery is already Testing'],
    ['Live', 'Failed', 'from_terminal', 'delivery ended as Live; it cannot become Failed'],
    ['Failed', 'Testing', 'from_terminal', 'delivery ended as Failed; it cannot become Testing'],
    ['Deploying', 'Testing', 'backward', 'phases only move forward; Deploying cannot go back to Testing'],
    ['Testing', 'RolledBack', 'not_allowed', 'RolledBack is reachable only from Deploying or Verifying, not from Testing'],
    ['Pending', 'Live', 'not_allowed', 'Live is reachable only from Deploying or Verifying, not from Pending'],
  ] as const)('refuses %s → %s with %s', (from, to, code, message) => {
    expect(transition(from, to)).toEqual({ ok: false, error: { code, from, to, message } });
  });

  it('treats exactly the end phases as terminal', () => {
    expect(PHASES.filter(isTerminal)).toEqual(['Live', 'Passed', 'Failed', 'RolledBack', 'Superseded', 'Canceled']);
  });
});
