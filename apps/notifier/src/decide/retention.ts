/**
 * Which Deliveries of one Application the retention policy deletes. Pure.
 *
 * Kept: the `spec.history.keepFinished` newest finished Deliveries of the
 * Application (by when they finished). Of the older finished ones, every one
 * is deleted except, never:
 * - one that is not in a final phase;
 * - one whose GitLab statuses are not all posted yet (the notifier's own
 *   plan still has a call to make for it: the same `desiredFor` + `planCalls`
 *   that drive the posting);
 * - one the deployer relies on: named by an environment's Service as the
 *   live Delivery (`sluice.dev/delivery`) or as the one a rollback returns to
 *   (`sluice.dev/previous-delivery`, whose spec and image a redeploy reuses);
 * - one of another Application (or another namespace).
 */
import { ANNOTATIONS, ENVIRONMENT_NAMES, isTerminal, keepFinishedOf, type Application, type Delivery } from '@sluice/delivery';
import { desiredFor, type DesiredOptions } from './desired.js';
import { planCalls } from './plan.js';

/** What {@link retentionPlan} decides from. */
export interface RetentionInput {
  readonly application: Application;
  /** Deliveries as the cache holds them; other Applications' are ignored. */
  readonly deliveries: readonly Delivery[];
  /** Names of the Deliveries the deployer relies on ({@link reliedOn}). */
  readonly reliedOn: ReadonlySet<string>;
}

/** The decision of one pass. */
export interface RetentionPlan {
  /** To delete now, oldest first; at most the limit. */
  readonly remove: readonly Delivery[];
  /** Deletable ones left for a later pass (over the limit). */
  readonly deferred: number;
  /** Finished Deliveries of the Application, deletable or not. */
  readonly finished: number;
}

/** True when GitLab shows everything there is to show for `delivery` per its `status.posted`: the notifier's plan makes no call. */
export function allPosted(delivery: Delivery, options: DesiredOptions): boolean {
  return planCalls(desiredFor(delivery, options), delivery.status?.posted ?? {}, { verified: () => true, refused: () => false }).length === 0;
}

/** When `delivery` finished: its last stage end, else when it was received, else when it was created; NaN when none parses. */
export function finishedAtMs(delivery: Delivery): number {
  const ends = (delivery.status?.stages ?? []).map((stage) => Date.parse(stage.finishedAt ?? '')).filter(Number.isFinite);
  if (ends.length > 0) return Math.max(...ends);
  const received = Date.parse(delivery.spec.receivedAt);
  return Number.isFinite(received) ? received : Date.parse(String(delivery.metadata.creationTimestamp ?? ''));
}

/** The Services whose annotations say which Deliveries the deployer relies on: one per configured environment. */
export function reliedOnServices(application: Application): { readonly environment: string; readonly namespace: string; readonly name: string }[] {
  return ENVIRONMENT_NAMES.flatMap((environment) => {
    const target = application.spec.environments[environment];
    return target === undefined ? [] : [{ environment, namespace: target.namespace, name: target.serviceName }];
  });
}

/** The Delivery names a Service's annotations hold: the live one and the one a rollback returns to. */
export function reliedOn(services: readonly ({ readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> } } | undefined)[]): Set<string> {
  const names = new Set<string>();
  for (const service of services) {
    const annotations = service?.metadata?.annotations ?? {};
    for (const key of [ANNOTATIONS.delivery, ANNOTATIONS.previousDelivery]) {
      const name = annotations[key];
      if (name) names.add(name);
    }
  }
  return names;
}

/** Decides which Deliveries of `input.application` to delete now, at most `limit`; see the module comment. */
export function retentionPlan(input: RetentionInput, options: DesiredOptions, limit: number): RetentionPlan {
  const { application } = input;
  const finished = input.deliveries
    .filter((d) => d.metadata.namespace === application.metadata.namespace && d.spec.application === application.metadata.name)
    .filter((d) => d.status !== undefined && isTerminal(d.status.phase))
    .map((delivery) => ({ delivery, at: finishedAtMs(delivery) }))
    // Newest first; one whose time does not parse counts as newest (kept); ties by name, so every pass agrees.
    .sort((a, b) => (Number.isNaN(a.at) ? -1 : 0) - (Number.isNaN(b.at) ? -1 : 0) || b.at - a.at || a.delivery.metadata.name.localeCompare(b.delivery.metadata.name));
  const deletable = finished
    .slice(keepFinishedOf(application))
    .map((entry) => entry.delivery)
    .filter((d) => !input.reliedOn.has(d.metadata.name) && allPosted(d, options))
    .reverse();
  const take = Math.max(0, limit);
  return { remove: deletable.slice(0, take), deferred: Math.max(0, deletable.length - take), finished: finished.length };
}
