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
 * the apiserver. Each object is parsed once when it changes; one that does
 * not match the Delivery schema is left out (a page for it answers 404,
 * as for a Delivery that does not exist).
 */
export class RunPageStore implements RunPageSource, DeliveryObjectSink {
  private readonly byName = new Map<string, Delivery>();

  get(name: string): Delivery | undefined {
    return this.byName.get(name);
  }

  all(): Iterable<Delivery> {
    return this.byName.values();
  }

  upsert(object: KubeObject | Delivery): void {
    const parsed = DeliverySchema.safeParse(object);
    if (parsed.success) this.byName.set(parsed.data.metadata.name, parsed.data);
    else if (object.metadata.name !== undefined) this.byName.delete(object.metadata.name);
  }

  remove(name: string): void {
    this.byName.delete(name);
  }

  /** How many Deliveries are kept. */
  get size(): number {
    return this.byName.size;
  }
}
