import { API_GROUP_VERSION, DELIVERY_RESOURCE, PhaseSchema, RefTypeSchema, isTerminal, lineKey, type Delivery, type DeliveryLine, type DeliverySpec, type Phase } from '@sluice/delivery';
import { resourcePath, type Informer, type KubeClient, type KubeObject } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import * as z from 'zod';

/** What the gateway keeps of each Delivery: enough to de-duplicate, supersede and cancel. */
export interface DeliverySummary {
  readonly name: string;
  readonly idempotencyKey: string;
  readonly line: DeliveryLine;
  /** `spec.receivedAt`, ms since the epoch. */
  readonly receivedAt: number;
  /** `status.phase`; Pending while no status was written. */
  readonly phase: Phase;
}

/** What planning needs to know about existing Deliveries. */
export interface DeliveryIndex {
  /** The Delivery of that name, if known. */
  get(name: string): DeliverySummary | undefined;
  /** A Delivery created from a webhook with this `Idempotency-Key`, if known. */
  findByIdempotencyKey(key: string): DeliverySummary | undefined;
  /** Deliveries of `line` that have not reached a final phase. */
  unfinished(line: DeliveryLine): readonly DeliverySummary[];
}


// Only the fields the index reads are checked, and only those are copied (z.object drops the rest without
// looking at it): parsing every watched Delivery in full would cost more than the webhook that created it.
const summarySchema = z.object({
  metadata: z.object({ name: z.string().min(1) }),
  spec: z.object({
    idempotencyKey: z.string().min(1),
    project: z.object({ id: z.int().min(1) }),
    refType: RefTypeSchema,
    ref: z.string().min(1),
    receivedAt: z.string(),
    mergeRequest: z.object({ iid: z.int() }).optional(),
  }),
  status: z.object({ phase: PhaseSchema.optional() }).nullish(),
});

/** The summary of a Delivery read from the cluster, or `undefined` when it lacks what the index needs. */
export function summarize(object: unknown): DeliverySummary | undefined {
  const parsed = summarySchema.safeParse(object);
  if (!parsed.success) return undefined;
  const { metadata, spec, status } = parsed.data;
  return summaryOf(metadata.name, spec, status?.phase ?? 'Pending');
}

/** The summary of a Delivery from its (already valid) spec: what the gateway just created needs no parsing. */
export function summaryOf(
  name: string,
  spec: Pick<DeliverySpec, 'idempotencyKey' | 'refType' | 'ref' | 'receivedAt'> & { readonly project: { readonly id: number }; readonly mergeRequest?: { readonly iid: number } | undefined },
  phase: Phase = 'Pending',
): DeliverySummary {
  const receivedAt = Date.parse(spec.receivedAt);
  return {
    name,
    idempotencyKey: spec.idempotencyKey,
    line: { projectId: spec.project.id, refType: spec.refType, ref: spec.ref, ...(spec.mergeRequest && { mergeRequestIid: spec.mergeRequest.iid }) },
    receivedAt: Number.isNaN(receivedAt) ? 0 : receivedAt,
    phase,
  };
}

/** The summary of a Delivery the gateway holds as a typed value (tests, fixtures). */
export function summaryOfDelivery(delivery: Delivery): DeliverySummary {
  return summaryOf(delivery.metadata.name, delivery.spec, delivery.status?.phase);
}

/**
 * An in-memory index of the namespace's Deliveries by name, idempotency key
 * and line. `upsert`/`remove` keep it current; {@link watchDeliveries}
 * drives them from an informer, tests call them directly.
 */
export class DeliveryStore implements DeliveryIndex {
  private readonly byName = new Map<string, DeliverySummary>();
  private readonly byKey = new Map<string, string>();
  private readonly byLine = new Map<string, Set<string>>();

  get(name: string): DeliverySummary | undefined {
    return this.byName.get(name);
  }

  findByIdempotencyKey(key: string): DeliverySummary | undefined {
    const name = this.byKey.get(key);
    return name === undefined ? undefined : this.byName.get(name);
  }

  unfinished(line: DeliveryLine): readonly DeliverySummary[] {
    const names = this.byLine.get(lineKey(line));
    if (names === undefined) return [];
    const found: DeliverySummary[] = [];
    for (const name of names) {
      const delivery = this.byName.get(name);
      if (delivery !== undefined && !isTerminal(delivery.phase)) found.push(delivery);
    }
    return found;
  }

  /** Adds or replaces a Delivery. */
  upsert(delivery: DeliverySummary): void {
    this.remove(delivery.name);
    this.byName.set(delivery.name, delivery);
    this.byKey.set(delivery.idempotencyKey, delivery.name);
    const key = lineKey(delivery.line);
    let names = this.byLine.get(key);
    if (names === undefined) this.byLine.set(key, (names = new Set()));
    names.add(delivery.name);
  }

  /** Forgets a Delivery. */
  remove(name: string): void {
    const old = this.byName.get(name);
    if (old === undefined) return;
    this.byName.delete(name);
    if (this.byKey.get(old.idempotencyKey) === name) this.byKey.delete(old.idempotencyKey);
    const key = lineKey(old.line);
    const names = this.byLine.get(key);
    names?.delete(name);
    if (names?.size === 0) this.byLine.delete(key);
  }

  /** How many Deliveries are indexed. */
  get size(): number {
    return this.byName.size;
  }
}

/** Also kept in step by {@link watchDeliveries}, with whole objects (the run pages' cache). */
export interface DeliveryObjectSink {
  upsert(object: KubeObject): void;
  remove(name: string): void;
}

/**
 * Keeps `store` (and `mirror`, when given) in step with the Deliveries of
 * `namespace` through one informer (list, then watch; no polling). An object
 * without the fields the index needs is left out of `store` and logged.
 */
export function watchDeliveries(
  client: KubeClient,
  namespace: string,
  store: DeliveryStore,
  logger: Logger,
  mirror?: DeliveryObjectSink,
): Informer<KubeObject> {
  const path = resourcePath({ apiVersion: API_GROUP_VERSION, plural: DELIVERY_RESOURCE.plural, namespace });
  return client.informer<KubeObject>({
    path,
    onEvent: (event) => {
      if (event.type === 'RESYNC') return;
      const name = event.object.metadata.name ?? '';
      if (event.type === 'DELETED') {
        mirror?.remove(name);
        return store.remove(name);
      }
      mirror?.upsert(event.object);
      const summary = summarize(event.object);
      if (summary !== undefined) store.upsert(summary);
      else {
        store.remove(name);
        logger.warn({ delivery: name, namespace }, 'ignoring a Delivery without the spec the gateway indexes');
      }
    },
    onError: (error) => logger.warn({ err: error, code: error.code, resource: 'deliveries' }, 'delivery watch interrupted; retrying'),
  });
}
