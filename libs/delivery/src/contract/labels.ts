/** Label keys Sluice puts on Deliveries and everything created for them (see `deliveryLabels`). */
export const LABEL_KEYS = {
  application: 'sluice.dev/application',
  delivery: 'sluice.dev/delivery',
  sha: 'sluice.dev/sha',
  project: 'sluice.dev/project',
  ref: 'sluice.dev/ref',
} as const;

/** Delivery: the webhook's `Idempotency-Key` (made label-safe), for `kubectl get -l` and duplicate detection. */
export const IDEMPOTENCY_LABEL = 'sluice.dev/idempotency-key';

/** Test-runner Jobs and their pods, next to `sluice.dev/delivery`: which of the Delivery's Jobs it is, `test` or `build`. */
export const STAGE_LABEL = 'sluice.dev/stage';

/** Color Deployments, their pods and Services: the environment they serve. */
export const ENVIRONMENT_LABEL = 'sluice.dev/environment';

/** Pod template label carrying the SHA, so pods say which revision they run. */
export const REVISION_LABEL = 'sluice.dev/revision';

/**
 * Application and Namespace: the team that owns it. A target namespace serves
 * the Applications of its team (or the one Application its
 * `sluice.dev/application` label names), checked at admission and again by
 * the deployer before every write.
 */
export const TEAM_LABEL = 'sluice.dev/team';

/** Everything the deployer creates in a target namespace: `app.kubernetes.io/managed-by=sluice` (with the owner annotation). */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** The {@link MANAGED_BY_LABEL} value of Sluice's objects. */
export const MANAGED_BY_SLUICE = 'sluice';
