import {
  advancePhase,
  approvePromotion,
  awaitPromotion,
  closeOpenStages,
  endEarly,
  endRequestedAt,
  finishStage,
  startStage,
  type DeliveryStatus,
  type EnvironmentName,
  type FailureReason,
  type Phase,
} from '@sluice/delivery';

/** A pure change of a Delivery status; `undefined` when there is nothing to change. */
export type StatusChange = (status: DeliveryStatus, now: Date) => DeliveryStatus | undefined;

function moveTo(status: DeliveryStatus, phase: Phase, details: Parameters<typeof advancePhase>[2] = {}): DeliveryStatus {
  const moved = advancePhase(status, phase, details);
  // 'unchanged' and 'backward' mean we are there or further already: idempotent by design.
  return moved.ok ? moved.status : status;
}

function changed(before: DeliveryStatus, after: DeliveryStatus): DeliveryStatus | undefined {
  return JSON.stringify(before) === JSON.stringify(after) ? undefined : after;
}

/**
 * The environment's deploy stage starts: the stage runs and the delivery is
 * `Deploying`. Phases only move forward, so a later environment keeps the
 * phase it has; `Verifying` is kept for the last environment's bake.
 */
export function startDeploy(environment: EnvironmentName): StatusChange {
  return (status, now) => {
    const started = startStage(status, { name: 'deploy', environment }, { now });
    if (!started.ok) return undefined;
    return changed(status, moveTo(started.status, 'Deploying'));
  };
}

/** Traffic is on the new color of the last environment: the delivery is `Verifying` while it bakes. */
export function startVerifying(): StatusChange {
  return (status) => changed(status, moveTo(status, 'Verifying'));
}

/**
 * The environment baked healthily; after the last one the delivery is
 * `Live`. Before another environment, an early end requested while this one
 * ran (a newer push, a deleted branch) takes effect now: the delivery ends
 * `Superseded` (or `Canceled`) at this safe point instead of going on.
 */
export function finishDeploy(environment: EnvironmentName, last: boolean, message: string): StatusChange {
  return (status, now) => {
    const done = finishStage(status, { name: 'deploy', environment }, { state: 'succeeded', message }, now);
    if (!done.ok) return undefined;
    if (last) return changed(status, moveTo(done.status, 'Live'));
    return changed(status, endRequestedAt(done.status, now) ?? done.status);
  };
}

/**
 * The environment's deploy failed (`Failed`) or was rolled back
 * (`RolledBack`): the stage fails with `reason`, later stages are skipped,
 * and the delivery ends.
 */
export function failDeploy(environment: EnvironmentName, phase: 'Failed' | 'RolledBack', reason: FailureReason, message: string): StatusChange {
  return (status, now) => {
    const failed = finishStage(status, { name: 'deploy', environment }, { state: 'failed', reason, message }, now);
    if (!failed.ok) return undefined;
    const closed = closeOpenStages(failed.status, { state: 'skipped', now });
    return changed(status, moveTo(closed, phase, { reason, message }));
  };
}

/**
 * The delivery will not be deployed because `by` (a newer Delivery, or the
 * live revision) wins; one that already ended stays as it is, and one in
 * the middle of an environment only gets the request (see `endEarly`).
 */
export function supersede(message: string, by?: string): StatusChange {
  return (status, now) => endEarly(status, { phase: 'Superseded', message, supersededBy: by, now })?.status;
}

/** The environment's deploy stage waits at its manual promotion gate (`promotion: waiting`, message for people). */
export function waitForPromotion(environment: EnvironmentName): StatusChange {
  return (status) => awaitPromotion(status, environment);
}

/** The promotion recorded on the Delivery at `approvedAt` becomes the stage's state: the switch may go ahead. */
export function promotionApproved(environment: EnvironmentName, approvedAt: string): StatusChange {
  return (status) => approvePromotion(status, environment, approvedAt);
}

/** Sets the message of the environment's running deploy stage (no change when it says that already). */
export function stageMessage(environment: EnvironmentName, message: string): StatusChange {
  return (status) => {
    let hit = false;
    const stages = status.stages.map((s) => {
      if (s.name !== 'deploy' || s.environment !== environment || s.state !== 'running' || s.message === message) return s;
      hit = true;
      return { ...s, message };
    });
    return hit ? { ...status, stages } : undefined;
  };
}
