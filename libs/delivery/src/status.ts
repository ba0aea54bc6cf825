import type { EnvironmentName } from './application.js';
import type { DeliveryStatus, Phase, Stage } from './delivery.js';
import { transition } from './phase.js';
import type { TransitionError } from './phase.js';
import type { FailureReason } from './reasons.js';

// Matches the schema's limit on status.message.
const MAX_STATUS_MESSAGE_LENGTH = 2048;

/** What a new delivery will do, as decided from the Application's rules. */
export interface DeliveryPlan {
  /** Environments to deploy to, in order (see `environmentsFor`). Empty: test only. */
  readonly environments: readonly EnvironmentName[];
  /** Whether an image is built. Default: only when there is somewhere to deploy it. */
  readonly build?: boolean;
}

/** The stages a plan needs, all pending: test, then build, then one deploy per environment. */
export function plannedStages(plan: DeliveryPlan): Stage[] {
  const build = plan.build ?? plan.environments.length > 0;
  return [
    { name: 'test', state: 'pending' },
    ...(build ? [{ name: 'build', state: 'pending' } as const] : []),
    ...plan.environments.map((environment): Stage => ({ name: 'deploy', environment, state: 'pending' })),
  ];
}

/** The first status of a delivery: Pending, with every planned stage pending. */
export function initialStatus(plan: DeliveryPlan): DeliveryStatus {
  return { phase: 'Pending', stages: plannedStages(plan), posted: {} };
}

/** Outcome of {@link advancePhase}. */
export type PhaseChangeResult = { readonly ok: true; readonly status: DeliveryStatus } | { readonly ok: false; readonly error: TransitionError };

/**
 * Moves the status to phase `to` when the state machine allows it, recording
 * why the delivery ended (`reason`, `message`) for the failure endings.
 * Returns a new status; the input is not modified.
 */
export function advancePhase(
  status: DeliveryStatus,
  to: Phase,
  details: { readonly reason?: FailureReason; readonly message?: string; readonly supersededBy?: string } = {},
): PhaseChangeResult {
  const result = transition(status.phase, to);
  if (!result.ok) return result;
  const next: DeliveryStatus = { ...status, phase: result.phase };
  if (details.reason !== undefined) next.reason = details.reason;
  if (details.message !== undefined) next.message = details.message.slice(0, MAX_STATUS_MESSAGE_LENGTH);
  if (details.supersededBy !== undefined) next.supersededBy = details.supersededBy;
  return { ok: true, status: next };
}
