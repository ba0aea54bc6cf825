/**
 * Where the deployer keeps its state on the cluster. The Service is the truth
 * for an environment: its selector's `color` is the live color, and its
 * annotations say which revision is live, what it replaced and which
 * revisions were rolled back. A Deployment's annotations say which revision
 * it runs and when it is due to be scaled down.
 */
export const ANNOTATIONS = {
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
  /** Deployment: ISO time after which it is scaled to 0 unless live; empty: not scheduled. */
  scaleDownAt: 'sluice.dev/scale-down-at',
  /**
   * Application: a manual action, `rollback` (production) or `rollback:<environment>`:
   * back to the previous good revision (instant switch while its color runs,
   * else a redeploy). Delivery: `promote` (manual promotion). Consumed (removed) when taken.
   */
  action: 'sluice.dev/action',
  /**
   * Service: the last revision that baked healthily here (or was returned to by
   * a rollback). Only a verified revision is ever recorded as `previous-*`, so
   * a rollback always returns to a known-good revision.
   */
  verifiedRevision: 'sluice.dev/verified-revision',
  /** Application and Service: the outcome of the last manual action, e.g. `rollback@<ISO time> → <sha> (switch)`. */
  lastAction: 'sluice.dev/last-action',
  /** Delivery: created by a manual rollback that redeploys the previous good revision into this environment. */
  rollback: 'sluice.dev/rollback',
} as const;

/** Delivery: when the `promote` action for `environment` was taken (written as the action is consumed). */
export function promotionApprovedAnnotation(environment: string): string {
  return `sluice.dev/promotion-approved.${environment}`;
}

/** Stage message while a manual promotion is awaited. */
export const WAITING_FOR_PROMOTION = 'waiting for promotion';

/** Pod template label carrying the SHA, so pods say which revision they run. */
export const REVISION_LABEL = 'sluice.dev/revision';

/** Environment variable holding the SHA inside the app container. */
export const REVISION_ENV = 'SLUICE_REVISION';

/** Most rejected revisions remembered per environment (annotations are bounded too). */
export const MAX_REJECTED = 50;

/** The rejected SHAs recorded on a Service annotation value. */
export function parseRejected(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter((s) => s !== '');
}

/** The annotation value with `sha` added (once), oldest dropped beyond {@link MAX_REJECTED}. */
export function withRejected(value: string | undefined, sha: string): string {
  const list = parseRejected(value).filter((s) => s !== sha);
  list.push(sha);
  return list.slice(-MAX_REJECTED).join(' ');
}
