import type { Delivery } from '@sluice/delivery';
import { LABEL_KEYS, STAGE_LABEL, deliveryLabels } from '@sluice/delivery';

/** The two Jobs a Delivery can have. */
export type JobKind = 'test' | 'build';

/** Label on every Job (and pod) the runner makes, saying which of the Delivery's Jobs it is (defined in `@sluice/delivery`). */
export { STAGE_LABEL };

/**
 * The Job name for `kind` of Delivery `deliveryName`. Deterministic, so a
 * runner that restarts finds its Job instead of making a second one; the
 * Delivery name is at most 45 characters, so the result is a DNS label.
 */
export function jobName(deliveryName: string, kind: JobKind): string {
  return `${deliveryName}-${kind}`;
}

/** Labels linking a Job and its pods to the Delivery. */
export function jobLabels(delivery: Delivery, kind: JobKind): Record<string, string> {
  return {
    ...deliveryLabels({
      application: delivery.spec.application,
      delivery: delivery.metadata.name,
      sha: delivery.spec.checkoutSha,
      project: delivery.spec.project.id,
      ref: delivery.spec.ref,
    }),
    [STAGE_LABEL]: kind,
  };
}

/** Selects every Job and pod the runner made (informers watch these). */
export const MANAGED_SELECTOR = `${LABEL_KEYS.delivery},${STAGE_LABEL}`;
