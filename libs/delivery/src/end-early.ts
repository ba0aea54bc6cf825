import type { DeliveryStatus, EndRequest } from './delivery.js';
import { closeOpenStages } from './stages.js';
import { advancePhase } from './status.js';
import { isTerminal } from './phase.js';

/** How a Delivery ends before it ran to completion. */
export interface EarlyEnd {
  /** `Superseded`: a newer push (or the live revision) wins. `Canceled`: its branch or tag was deleted. */
  readonly phase: 'Superseded' | 'Canceled';
  /** Why, for people; also the message of every stage it cancels. */
  readonly message: string;
  /** The newer Delivery, for `Superseded`. */
  readonly supersededBy?: string | undefined;
  readonly now: Date;
}

/** What {@link endEarly} made of a status: ended now, or asked to end at its next safe point. */
export interface EarlyEndResult {
  readonly outcome: 'ended' | 'deferred';
  readonly status: DeliveryStatus;
}

/**
 * True when nothing the delivery started would be left unwatched if it
 * ended now: no deploy stage is running, except one waiting, unapproved,
 * at a manual promotion gate (its new color took no traffic). A running
 * deploy stage may have switched traffic: its bake and automatic rollback
 * must run to the end.
 */
export function atSafePoint(status: DeliveryStatus): boolean {
  return !status.stages.some((s) => s.name === 'deploy' && s.state === 'running' && s.promotion !== 'waiting');
}

/**
 * Ends a Delivery early. At a safe point ({@link atSafePoint}) the phase
 * becomes `end.phase` (reason the same), then every stage that has not ended
 * is canceled with that reason and message. In the middle of an
 * environment the end is recorded as `status.endRequested` instead
 * (`deferred`): the deployer finishes the environment, then applies it
 * ({@link endRequestedAt}). The phase decides first: a Delivery that
 * already ended (the phase machine refuses to leave a final phase) is left
 * exactly as it ended, and the result is `undefined`, nothing to write — as
 * it is when the same end is already requested. Pure, so it can be
 * re-applied after a write conflict.
 */
export function endEarly(status: DeliveryStatus, end: EarlyEnd): EarlyEndResult | undefined {
  if (isTerminal(status.phase)) return undefined;
  if (!atSafePoint(status)) {
    const request: EndRequest = {
      phase: end.phase,
      message: end.message,
      ...(end.supersededBy !== undefined && { supersededBy: end.supersededBy }),
      requestedAt: status.endRequested?.requestedAt ?? end.now.toISOString(),
    };
    const asked = status.endRequested;
    const same = asked?.phase === request.phase && asked.message === request.message && asked.supersededBy === request.supersededBy;
    return same ? undefined : { outcome: 'deferred', status: { ...status, endRequested: request } };
  }
  const reason = end.phase;
  const moved = advancePhase(status, end.phase, { reason, message: end.message, ...(end.supersededBy !== undefined && { supersededBy: end.supersededBy }) });
  if (!moved.ok) return undefined;
  return { outcome: 'ended', status: closeOpenStages(moved.status, { state: 'canceled', reason, message: end.message, now: end.now }) };
}

/**
 * Applies an early end requested mid-environment, once the delivery is at
 * a safe point again (that environment's deploy stage ended and the next one
 * has not started): the status it ends with, or `undefined` when nothing was
 * requested, it is not at a safe point, or it already ended (a rollback, or
 * Live after the last environment, stays as it is).
 */
export function endRequestedAt(status: DeliveryStatus, now: Date): DeliveryStatus | undefined {
  const request = status.endRequested;
  if (!request || !atSafePoint(status)) return undefined;
  const ended = endEarly(status, { phase: request.phase, message: request.message, supersededBy: request.supersededBy, now });
  return ended?.outcome === 'ended' ? ended.status : undefined;
}
