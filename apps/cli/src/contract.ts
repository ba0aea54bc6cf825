/**
 * The names other Sluice services publish on the cluster that the CLI reads
 * or writes. They are contracts, not shared code: apps never import each
 * other, so each value here cites where it is defined.
 */

/** Default namespace of Applications and Deliveries (`SLUICE_NAMESPACE` of every service). */
export const DEFAULT_NAMESPACE = 'sluice-system';

/** Default namespace of the test Jobs (the test runner's `SLUICE_TEST_NAMESPACE`). */
export const DEFAULT_TEST_NAMESPACE = 'sluice-test';
/** Where the test-runner runs build Jobs unless configured otherwise (its SLUICE_BUILD_NAMESPACE). */
export const DEFAULT_BUILD_NAMESPACE = 'sluice-build';

/** Annotations of the deployer's manual actions (apps/deployer/README.md, "Manual actions"). */
export const DEPLOYER = {
  /** Application: `rollback[:<env>]`; Delivery: `promote`. Removed by the deployer when it takes the action. */
  action: 'sluice.dev/action',
  /** Application: outcome of the last manual rollback, written in the same patch that consumes the action. */
  lastAction: 'sluice.dev/last-action',
  /** Delivery: set on the rollback Deliveries the deployer creates; the value is the environment. */
  rollback: 'sluice.dev/rollback',
  /** Service: the live SHA. */
  revision: 'sluice.dev/revision',
  /** Service: the verified SHA a rollback returns to (empty: nothing to return to). */
  previousRevision: 'sluice.dev/previous-revision',
  /** Stage message while a Delivery waits at a manual promotion gate. */
  waitingForPromotion: 'waiting for promotion',
} as const;

/** Application: `manual` makes `environment` wait for a `promote` action. */
export function promotionGateAnnotation(environment: string): string {
  return `sluice.dev/promotion.${environment}`;
}

/** Delivery: when the `promote` action for `environment` was taken (written as it is consumed). */
export function promotionApprovedAnnotation(environment: string): string {
  return `sluice.dev/promotion-approved.${environment}`;
}

/** The `sluice.dev/action` value asking for a rollback of `environment`. */
export function rollbackAction(environment: string): string {
  return `rollback:${environment}`;
}

/** The `sluice.dev/action` value asking for a promotion. */
export const PROMOTE_ACTION = 'promote';

/**
 * Label the test runner puts on its Jobs and their pods (apps/test-runner
 * `jobs/names.ts`), next to `sluice.dev/delivery`: which of the Delivery's
 * Jobs it is, `test` or `build`.
 */
export const STAGE_LABEL = 'sluice.dev/stage';

/** Containers of the test Job (libs/manifests `TEST_JOB_CONTAINERS`) and of the build Job (`build`). */
export const LOG_CONTAINERS = ['clone', 'install', 'test', 'build'] as const;
/** One of {@link LOG_CONTAINERS}. */
export type LogContainer = (typeof LOG_CONTAINERS)[number];
