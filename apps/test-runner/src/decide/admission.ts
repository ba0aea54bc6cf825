import type { Delivery } from '@sluice/delivery';
import { awaitsTestStart, holdsJobSlot } from './status.js';

/** Inputs of {@link admittedDeliveries}. */
export interface AdmissionInput {
  /** Every Delivery the runner knows, as fresh as it knows them. */
  readonly deliveries: readonly Delivery[];
  /** Deliveries being started right now (status write in flight); they hold a slot already. */
  readonly starting: ReadonlySet<string>;
  /** Whether a Delivery can start at all (its Application exists); others do not hold up the line. */
  readonly canStart: (delivery: Delivery) => boolean;
  readonly maxConcurrentJobs: number;
}

function receivedAt(d: Delivery): number {
  const t = Date.parse(d.spec.receivedAt);
  return Number.isNaN(t) ? Number.MAX_SAFE_INTEGER : t;
}

/** Oldest push first; the name breaks ties so every replica orders alike. */
export function byPushTime(a: Delivery, b: Delivery): number {
  return receivedAt(a) - receivedAt(b) || a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * Which waiting Deliveries may start a test Job now: as many as there are
 * free slots (`maxConcurrentJobs` minus Deliveries with a running Job or
 * being started), oldest push (`spec.receivedAt`) first. Pure.
 */
export function admittedDeliveries(input: AdmissionInput): Delivery[] {
  const busy = new Set(input.starting);
  for (const d of input.deliveries) if (holdsJobSlot(d)) busy.add(d.metadata.name);
  const free = input.maxConcurrentJobs - busy.size;
  if (free <= 0) return [];
  return input.deliveries
    .filter((d) => !busy.has(d.metadata.name) && awaitsTestStart(d) && input.canStart(d))
    .sort(byPushTime)
    .slice(0, free);
}
