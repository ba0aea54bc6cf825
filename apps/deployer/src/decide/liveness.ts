import { ANNOTATIONS, isDnsLabel, markLive, markReplaced } from '@sluice/delivery';
import { COLOR_LABEL } from '@sluice/manifests';
import type { EnvironmentFacts, ParsedDelivery } from './facts.js';
import type { StatusChange } from './status.js';

/** A status write that keeps `status.liveIn` / `status.replaced` of one Delivery true to the environment's Service. */
export interface LivenessChange {
  readonly delivery: ParsedDelivery;
  /** `live`: its revision serves the environment now; `replaced`: it did, and another Delivery's does now. */
  readonly kind: 'live' | 'replaced';
  readonly change: StatusChange;
}

/**
 * Who serves the environment, as its Service says: the Delivery named by the
 * Service's `sluice.dev/delivery` annotation, which every kind of switch
 * writes together with the selector — a rollout's switch (or the Service's
 * creation), an automatic rollback (back to the previous good Delivery), a
 * manual rollback (switch back, or a rollback Delivery's redeploy). That
 * Delivery is live there (when it is the revision the Service names); every
 * other Delivery of the Application still listing the environment as live
 * was replaced by it, at the Service's `promoted-at` (the switch).
 *
 * Derived from the cluster alone, so a restarted deployer records what its
 * predecessor switched; each change is a no-op on a status that says so
 * already (and a `replaced` one on a Delivery no longer live there), so
 * repeating a decision, or deciding from a stale cache, changes nothing.
 */
export function decideLiveness(facts: EnvironmentFacts, deliveries: readonly ParsedDelivery[]): LivenessChange[] {
  const { service, environment } = facts;
  const ann = service?.metadata.annotations ?? {};
  const liveName = ann[ANNOTATIONS.delivery] ?? '';
  // No Service, no selected color, or a Service that names no Delivery (hand-made or cleared): nothing is known to be live.
  if (service?.spec?.selector?.[COLOR_LABEL] === undefined || !isDnsLabel(liveName)) return [];
  const liveDelivery = deliveries.find((d) => d.metadata.name === liveName);
  // A Service edited by hand to a revision its Delivery did not build: who serves is not known, nothing is recorded.
  if (liveDelivery !== undefined && liveDelivery.spec.checkoutSha !== ann[ANNOTATIONS.revision]) return [];
  const atMs = Date.parse(ann[ANNOTATIONS.promotedAt] ?? '');
  const at = new Date(Number.isNaN(atMs) ? facts.now : atMs).toISOString();
  const changes: LivenessChange[] = [];
  for (const delivery of deliveries) {
    const status = delivery.status;
    if (delivery === liveDelivery) {
      if (markLive(status, environment) !== undefined) changes.push({ delivery, kind: 'live', change: (s) => markLive(s, environment) });
    } else if (status.liveIn?.includes(environment)) {
      const replacement = { environment, by: liveName, at };
      changes.push({ delivery, kind: 'replaced', change: (s) => markReplaced(s, replacement) });
    }
  }
  // The one now live first: for a moment two Deliveries may say so, never none.
  return changes.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'live' ? -1 : 1));
}
