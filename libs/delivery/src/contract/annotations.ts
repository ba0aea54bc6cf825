import type { EnvironmentName } from '../application.js';

/**
 * Every annotation key Sluice reads or writes, by the object that carries it.
 * The one definition: apps import these, never restate the strings.
 */
export const ANNOTATIONS = {
  // --- Delivery ---
  /** Delivery: W3C `traceparent` of its trace (one trace per commit), written by the gateway. */
  traceparent: 'sluice.dev/traceparent',
  /** Delivery: W3C `tracestate`, when there is one. */
  tracestate: 'sluice.dev/tracestate',
  /** Delivery: the gateway request id that created it, to find its log lines. */
  requestId: 'sluice.dev/request-id',
  /**
   * Delivery, legacy: the planned environments, comma-separated, as gateways
   * before `spec.environments` wrote them. Read only by `plannedEnvironments`.
   */
  environments: 'sluice.dev/environments',
  /** Delivery: created by a manual rollback that redeploys the previous good revision into this environment (the value). */
  rollback: 'sluice.dev/rollback',
  /**
   * Application: a manual action, `rollback` (production) or `rollback:<environment>`:
   * back to the previous good revision (instant switch while its color runs,
   * else a redeploy). Delivery: `promote` (manual promotion). Consumed (removed) when taken.
   */
  action: 'sluice.dev/action',
  /** Application and Service: the outcome of the last manual action, e.g. `rollback@<ISO time> → <sha> (switch)`. */
  lastAction: 'sluice.dev/last-action',

  // --- Service (the deployer's state: the Service is the truth for an environment) ---
  /** Service: live SHA. Deployment: the SHA it was rendered for. */
  revision: 'sluice.dev/revision',
  /** Service: the Delivery that made the live revision live. Deployment: the Delivery that rendered it. Lease: the Delivery holding it. */
  delivery: 'sluice.dev/delivery',
  /** Service: `spec.receivedAt` of the live Delivery, so an older push is never promoted over it. */
  receivedAt: 'sluice.dev/received-at',
  /** Service: the color and SHA that were live before the last switch (what a rollback returns to). */
  previousColor: 'sluice.dev/previous-color',
  previousRevision: 'sluice.dev/previous-revision',
  /** Service: the Delivery and `receivedAt` of the previous revision, restored by a rollback. */
  previousDelivery: 'sluice.dev/previous-delivery',
  previousReceivedAt: 'sluice.dev/previous-received-at',
  /** Service: when traffic last switched (start of the bake). */
  promotedAt: 'sluice.dev/promoted-at',
  /** Service: total container restarts of the new color when traffic switched; more during bake is unhealthy. */
  restartsAtPromotion: 'sluice.dev/restarts-at-promotion',
  /** Service: space-separated SHAs rolled back automatically; never deployed again (newest last, bounded). */
  rejected: 'sluice.dev/rejected-revisions',
  /**
   * Service: the last revision that baked healthily here (or was returned to by
   * a rollback). Only a verified revision is ever recorded as `previous-*`, so
   * a rollback always returns to a known-good revision.
   */
  verifiedRevision: 'sluice.dev/verified-revision',
  /** Deployment: ISO time after which it is scaled to 0 unless live; empty: not scheduled. */
  scaleDownAt: 'sluice.dev/scale-down-at',
  /**
   * Deployment and Service in a target namespace: `<namespace>/<application>` of
   * the Application they belong to. The deployer writes only objects carrying
   * its own value (and the managed-by label); anything else there is refused,
   * never taken over (`NotOwned`).
   */
  owner: 'sluice.dev/owner',

  // --- Namespace, Secret ---
  /** Namespace: image repository prefix its team's Applications must build under (e.g. `registry.example.com/shop/`), checked at admission. */
  imagePrefix: 'sluice.dev/image-prefix',
  /** Registry push Secret: the one image repository it may push (what `spec.build.repository` must equal to use it). */
  repository: 'sluice.dev/repository',
} as const;

/**
 * Application annotations that used to change behaviour and are no longer
 * read: `spec.command` replaced the first; the builder image is cluster
 * configuration (`SLUICE_BUILDER_IMAGE`), never an Application's choice. An
 * Application still carrying one is not Ready.
 */
export const REMOVED_ANNOTATIONS = {
  command: 'sluice.dev/container-command',
  builderImage: 'sluice.dev/builder-image',
} as const;

/** Application, no longer read: the manual promotion gate of `environment`, now `spec.environments.<env>.promotion`. */
export function removedPromotionAnnotation(environment: EnvironmentName): string {
  return `sluice.dev/promotion.${environment}`;
}

/**
 * Delivery: when the `promote` action for `environment` was taken (written as
 * the action is consumed): the user-facing record of the approval. Decisions
 * read the deploy stage's `promotion` field.
 */
export function promotionApprovedAnnotation(environment: string): string {
  return `sluice.dev/promotion-approved.${environment}`;
}

/** The {@link ANNOTATIONS.action} value asking for a promotion (on a Delivery). */
export const PROMOTE_ACTION = 'promote';

/** The {@link ANNOTATIONS.action} value asking for a rollback of `environment` (on an Application). */
export function rollbackAction(environment: EnvironmentName): string {
  return `rollback:${environment}`;
}

/** The environment an {@link ANNOTATIONS.action} value asks to roll back (plain `rollback`: production), if it is a rollback. */
export function rollbackTarget(value: string | undefined): EnvironmentName | undefined {
  if (value === 'rollback') return 'production';
  if (value === rollbackAction('production')) return 'production';
  if (value === rollbackAction('staging')) return 'staging';
  return undefined;
}
