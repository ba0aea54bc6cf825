import type { Delivery } from '@sluice/delivery';

/** Which deliveries to list. */
export interface DeliveryFilter {
  readonly app?: string;
  /** A branch; a merge request's Delivery counts by its source branch. Tags never match. */
  readonly branch?: string;
}

/** True when `d` passes `filter`. */
export function matches(d: Delivery, filter: DeliveryFilter): boolean {
  if (filter.app !== undefined && d.spec.application !== filter.app) return false;
  if (filter.branch !== undefined && (d.spec.refType === 'tag' || d.spec.ref !== filter.branch)) return false;
  return true;
}

/** Newest push first (the gateway's `receivedAt`), then by name so equal times keep one order. */
export function newestFirst(a: Delivery, b: Delivery): number {
  return b.spec.receivedAt.localeCompare(a.spec.receivedAt) || a.metadata.name.localeCompare(b.metadata.name);
}

/** The deliveries to show: filtered, newest first, at most `limit` (0 = all); `total` counts every match. */
export function selectDeliveries(all: readonly Delivery[], filter: DeliveryFilter, limit: number): { readonly shown: Delivery[]; readonly total: number } {
  const matching = all.filter((d) => matches(d, filter)).sort(newestFirst);
  return { shown: limit > 0 ? matching.slice(0, limit) : matching, total: matching.length };
}
