import { ANNOTATIONS, isTerminal, lineKey, lineOf, promotionApprovedAnnotation, type DeliverySpec, type EnvironmentName, type Stage } from '@sluice/delivery';
import type { ParsedDelivery } from './facts.js';

/** Deliveries waiting for (or holding) one environment, and which one goes. */
export interface EnvironmentQueue {
  /** The delivery to work on now, if any. */
  readonly current: ParsedDelivery | undefined;
  /** Waiting deliveries older than `current` that will never be deployed here: a newer one replaces them. */
  readonly superseded: readonly ParsedDelivery[];
}

function deployStage(stages: readonly Stage[], environment: EnvironmentName): Stage | undefined {
  return stages.find((s) => s.name === 'deploy' && s.environment === environment);
}

/** The delivery's deploy stage in `environment`, if it has one. */
export function deployStageOf(delivery: ParsedDelivery, environment: EnvironmentName): Stage | undefined {
  return deployStage(delivery.status.stages, environment);
}

/**
 * True when the delivery is at `environment`'s turn: its deploy stage there
 * is pending or running and every stage before it (test, build, earlier
 * environments) succeeded. This is the hand-off from the test-runner and,
 * for production, the staging gate.
 */
export function isAtEnvironment(delivery: ParsedDelivery, environment: EnvironmentName): boolean {
  const status = delivery.status;
  if (isTerminal(status.phase) || status.phase === 'Pending') return false;
  const stages = status.stages;
  const index = stages.findIndex((s) => s.name === 'deploy' && s.environment === environment);
  if (index === -1) return false;
  const stage = stages[index] as Stage;
  if (stage.state !== 'pending' && stage.state !== 'running') return false;
  return stages.slice(0, index).every((s) => s.state === 'succeeded');
}

/**
 * True while the delivery's rollout is ready but waits, unapproved, for a
 * manual promotion (nothing switched yet). An approval already recorded on the
 * Delivery, before the stage's field caught up, counts as approved.
 */
export function awaitingPromotion(delivery: ParsedDelivery, environment: EnvironmentName): boolean {
  return (
    deployStage(delivery.status.stages, environment)?.promotion === 'waiting' &&
    delivery.metadata.annotations?.[promotionApprovedAnnotation(environment)] === undefined
  );
}

/** Later pushes first; the name breaks ties so the order is total. */
function newestFirst(a: ParsedDelivery, b: ParsedDelivery): number {
  const byTime = b.spec.receivedAt.localeCompare(a.spec.receivedAt);
  return byTime !== 0 ? byTime : (b.metadata.name ?? '').localeCompare(a.metadata.name ?? '');
}

/**
 * Picks the delivery for one environment: the one already running there
 * (one rollout at a time), else the newest waiting one; older waiting ones
 * are superseded, since deploying them would only be undone.
 */
export function environmentQueue(deliveries: readonly ParsedDelivery[], environment: EnvironmentName): EnvironmentQueue {
  const here = deliveries.filter((d) => isAtEnvironment(d, environment)).sort(newestFirst);
  const running = here.filter((d) => deployStage(d.status.stages, environment)?.state === 'running');
  const holding = running[running.length - 1];
  // A delivery waiting for a manual promotion has not touched traffic: a newer push replaces it as it would a queued one.
  const newer = here[0];
  if (holding && newer && newer !== holding && awaitingPromotion(holding, environment) && newestFirst(newer, holding) < 0) {
    return { current: newer, superseded: here.slice(1) };
  }
  if (holding) return { current: holding, superseded: [] };
  const [current, ...older] = here;
  return { current, superseded: older };
}

/**
 * Deliveries waiting for `environment`, for `sluice.queue.depth{sluice.queue=deploy}`:
 * at its turn, but neither the one going now (it holds the environment) nor
 * one being superseded (it will never go). Every deployer replica handles
 * every environment and the depth is summed over replicas, so only the
 * replica holding the environment's Lease counts them; any other one says 0
 * (else the waiting ones, and the one the holder deploys, count twice).
 */
export function waitingCount(deliveries: readonly ParsedDelivery[], environment: EnvironmentName, holdsLease: boolean): number {
  if (!holdsLease) return 0;
  const queue = environmentQueue(deliveries, environment);
  const here = deliveries.filter((d) => isAtEnvironment(d, environment)).length;
  return here - queue.superseded.length - (queue.current ? 1 : 0);
}

/** A push as {@link newerPushOnLine} compares them: any Delivery of the Application, with a status or not yet. */
export interface Push {
  readonly name: string;
  readonly spec: Pick<DeliverySpec, 'project' | 'refType' | 'ref' | 'mergeRequest' | 'receivedAt'>;
  /** A manual rollback Delivery redeploys an older push on purpose: it neither supersedes nor is superseded by its line. */
  readonly rollback: boolean;
}

/** A Delivery as a {@link Push}. */
export function pushOf(delivery: { readonly metadata: { readonly name?: string | undefined; readonly annotations?: Readonly<Record<string, string>> | undefined }; readonly spec: Push['spec'] }): Push {
  return { name: delivery.metadata.name ?? '', spec: delivery.spec, rollback: delivery.metadata.annotations?.[ANNOTATIONS.rollback] !== undefined };
}

/**
 * The newest push on `delivery`'s line (same project, ref and merge request)
 * received after it, if any: then `delivery`, about to start an environment,
 * is superseded instead — as the gateway would have done, had it seen both
 * (two webhooks of one branch handled at once, or by two gateway replicas,
 * do not see each other).
 */
export function newerPushOnLine(delivery: Push, pushes: readonly Push[]): string | undefined {
  if (delivery.rollback) return undefined;
  const line = lineKey(lineOf(delivery.spec));
  const newer = pushes
    .filter((p) => !p.rollback && p.name !== delivery.name && lineKey(lineOf(p.spec)) === line)
    .filter((p) => p.spec.receivedAt > delivery.spec.receivedAt || (p.spec.receivedAt === delivery.spec.receivedAt && p.name > delivery.name))
    .sort((a, b) => b.spec.receivedAt.localeCompare(a.spec.receivedAt) || b.name.localeCompare(a.name));
  return newer[0]?.name;
}
