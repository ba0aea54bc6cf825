import { DeliverySchema, type Delivery } from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';
import type { DeliveryObjectSink } from '../deliveries.js';

/** What the run pages read: the namespace's Deliveries, whole, as last seen. */
export interface RunPageSource {
  /** The Delivery of that name, if known and readable. */
  get(name: string): Delivery | undefined;
  /** Every known, readable Delivery, in no particular order. */
  all(): Iterable<Delivery>;
}

/**
 * The run pages' cache: whole Deliveries by name, fed by the gateway's one
 * Delivery informer (`watchDeliveries`' mirror), so a page view never calls
 * the apiserver. An object is kept as the informer gave it and parsed only
 * when a page first reads it after it changed — Deliveries change far more
 * often than anyone looks at them, and parsing each change cost the gateway
 * more than the webhook that made it. One that does not match the Delivery
 * schema is left out (a page for it answers 404, as for a Delivery that does
 * not exist).
 */
export class RunPageStore implements RunPageSource, DeliveryObjectSink {
  private readonly byName = new Map<string, { readonly object: KubeObject | Delivery; parsed?: Delivery | null }>();

  get(name: string): Delivery | undefined {
    const entry = this.byName.get(name);
    if (entry === undefined) return undefined;
    if (entry.parsed === undefined) {
      const parsed = DeliverySchema.safeParse(entry.object);
      entry.parsed = parsed.success ? parsed.data : null;
    }
    return entry.parsed ?? undefined;
  }

  *all(): Iterable<Delivery> {
    for (const name of this.byName.keys()) {
      const delivery = this.get(name);
      if (delivery !== undefined) yield delivery;
    }
  }

  upsert(object: KubeObject | Delivery): void {
    if (object.metadata.name !== undefined) this.byName.set(object.metadata.name, { object });
  }

  remove(name: string): void {
    this.byName.delete(name);
  }

  /** How many Deliveries are kept (readable or not). */
  get size(): number {
    return this.byName.size;
  }
}
