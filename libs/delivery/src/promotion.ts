import type { EnvironmentName } from './application.js';
import type { DeliveryStatus, Stage } from './delivery.js';

/** The message a deploy stage shows people while it waits at a manual promotion gate. */
export const WAITING_FOR_PROMOTION = 'waiting for promotion';

/** The running deploy stage that waits at a manual promotion gate (`promotion: waiting`), if any. */
export function waitingForPromotion(stages: readonly Stage[]): Stage | undefined {
  return stages.find((s) => s.name === 'deploy' && s.state === 'running' && s.promotion === 'waiting');
}

/**
 * The environment's running deploy stage waits for a promotion: `promotion`
 * becomes `waiting` and the message says so. `undefined` when that is
 * recorded already, the stage is not running, or it was approved.
 */
export function awaitPromotion(status: DeliveryStatus, environment: EnvironmentName): DeliveryStatus | undefined {
  return updateDeployStage(status, environment, (stage) =>
    stage.promotion === undefined ? { ...stage, promotion: 'waiting', message: WAITING_FOR_PROMOTION } : undefined,
  );
}

/**
 * The promotion of the environment's running deploy stage was approved at
 * `approvedAt` (ISO time): `promotion` becomes `approved`, and the switch
 * may go ahead. The message stays until traffic switched. `undefined` when
 * it is approved already or the stage is not running.
 */
export function approvePromotion(status: DeliveryStatus, environment: EnvironmentName, approvedAt: string): DeliveryStatus | undefined {
  return updateDeployStage(status, environment, (stage) => (stage.promotion === 'approved' ? undefined : { ...stage, promotion: 'approved', approvedAt }));
}

function updateDeployStage(status: DeliveryStatus, environment: EnvironmentName, update: (stage: Stage) => Stage | undefined): DeliveryStatus | undefined {
  const index = status.stages.findIndex((s) => s.name === 'deploy' && s.environment === environment && s.state === 'running');
  const stage = status.stages[index];
  const next = stage === undefined ? undefined : update(stage);
  if (next === undefined) return undefined;
  return { ...status, stages: status.stages.map((s, i) => (i === index ? next : s)) };
}
