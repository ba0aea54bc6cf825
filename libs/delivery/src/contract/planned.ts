import { ENVIRONMENT_NAMES, type EnvironmentName } from '../application.js';
import type { Delivery, Stage } from '../delivery.js';
import { isTerminal } from '../phase.js';
import { plannedStages } from '../status.js';
import { ANNOTATIONS } from './annotations.js';

/** The parts of a Delivery {@link plannedEnvironments} reads. */
export interface PlannedDelivery {
  readonly metadata: { readonly annotations?: Readonly<Record<string, string | undefined>> | undefined };
  readonly spec: { readonly environments?: readonly EnvironmentName[] | undefined };
}

/**
 * The environments a Delivery deploys to, staging before production, as the
 * gateway decided once from the Application's rules (`spec.environments`;
 * empty: test only). A Delivery created before that field existed carries
 * the decision in the legacy comma-separated `sluice.dev/environments`
 * annotation instead; without either, nothing is deployed.
 */
export function plannedEnvironments(delivery: PlannedDelivery): EnvironmentName[] {
  const listed = new Set<string>(
    delivery.spec.environments ?? (delivery.metadata.annotations?.[ANNOTATIONS.environments] ?? '').split(',').map((part) => part.trim()),
  );
  return ENVIRONMENT_NAMES.filter((name) => listed.has(name));
}

/**
 * The stages to show people (run pages, GitLab, CLI): the status's own, or,
 * before a controller wrote one, the planned stages, all pending. Once the
 * Delivery ended, a stage left pending or running can no longer move and
 * shows as canceled, with the Delivery's message and reason.
 */
export function shownStages(delivery: PlannedDelivery & Pick<Delivery, 'status'>): Stage[] {
  const status = delivery.status;
  const stages = status && status.stages.length > 0 ? status.stages : plannedStages({ environments: plannedEnvironments(delivery) });
  if (!status || !isTerminal(status.phase)) return stages;
  return stages.map((stage): Stage => {
    if (stage.state !== 'pending' && stage.state !== 'running') return stage;
    const closed: Stage = { ...stage, state: 'canceled', message: status.message ?? stage.message ?? `delivery ended ${status.phase}` };
    const reason = status.reason ?? stage.reason;
    if (reason !== undefined) closed.reason = reason;
    return closed;
  });
}
