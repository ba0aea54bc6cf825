import type { Phase } from './delivery.js';

/** Phases a delivery ends in; nothing leaves them. */
export const TERMINAL_PHASES = ['Live', 'Passed', 'Failed', 'RolledBack', 'Superseded', 'Canceled'] as const satisfies readonly Phase[];

/** The forward path of a delivery that is still running. Later entries are further along. */
const PROGRESS: readonly Phase[] = ['Pending', 'Testing', 'Building', 'Deploying', 'Verifying'];

/** Ends reachable from a running phase only from the listed phases. */
const REACHABLE_FROM: Partial<Record<Phase, readonly Phase[]>> = {
  // A commit is Live only once it has actually been deployed.
  Live: ['Deploying', 'Verifying'],
  // Tested (and built) with nothing to deploy, e.g. a merge request.
  Passed: ['Testing', 'Building'],
  // Only a deployment can be rolled back.
  RolledBack: ['Deploying', 'Verifying'],
};

/** Why a transition is refused: no move at all, leaving a final phase, going back, or an end not reachable from here. */
export type TransitionErrorCode = 'unchanged' | 'from_terminal' | 'backward' | 'not_allowed';

/** A refused transition, as a value. */
export interface TransitionError {
  readonly code: TransitionErrorCode;
  readonly from: Phase;
  readonly to: Phase;
  readonly message: string;
}

/** Outcome of {@link transition}. */
export type TransitionResult = { readonly ok: true; readonly phase: Phase } | { readonly ok: false; readonly error: TransitionError };

/** True for phases a delivery ends in: Live, Passed, Failed, RolledBack, Superseded, Canceled. */
export function isTerminal(phase: Phase): boolean {
  return (TERMINAL_PHASES as readonly Phase[]).includes(phase);
}

function refusal(from: Phase, to: Phase): TransitionError | undefined {
  if (from === to) return { code: 'unchanged', from, to, message: `delivery is already ${to}` };
  if (isTerminal(from)) return { code: 'from_terminal', from, to, message: `delivery ended as ${from}; it cannot become ${to}` };
  const fromIndex = PROGRESS.indexOf(from);
  const toIndex = PROGRESS.indexOf(to);
  if (toIndex !== -1) {
    return toIndex > fromIndex ? undefined : { code: 'backward', from, to, message: `phases only move forward; ${from} cannot go back to ${to}` };
  }
  const allowedFrom = REACHABLE_FROM[to];
  if (allowedFrom === undefined || allowedFrom.includes(from)) return undefined;
  return { code: 'not_allowed', from, to, message: `${to} is reachable only from ${allowedFrom.join(' or ')}, not from ${from}` };
}

/**
 * Whether a delivery may move from `from` to `to`. Phases move forward only
 * (`Pending → Testing → Building → Deploying → Verifying`, skipping ahead
 * allowed); Live needs Deploying or Verifying; Passed needs Testing or
 * Building; RolledBack needs Deploying or Verifying; any running phase may
 * end as Failed, Superseded or Canceled; nothing leaves a terminal phase.
 * Staying in the same phase is not a transition.
 */
export function canTransition(from: Phase, to: Phase): boolean {
  return refusal(from, to) === undefined;
}

/**
 * Moves a delivery from `from` to `to` if {@link canTransition} allows it.
 * A refusal is an expected outcome and comes back as a value; callers that
 * reconcile repeatedly can treat code `unchanged` as "nothing to do".
 */
export function transition(from: Phase, to: Phase): TransitionResult {
  const error = refusal(from, to);
  return error === undefined ? { ok: true, phase: to } : { ok: false, error };
}
