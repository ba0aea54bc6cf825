import { API_GROUP_VERSION, isTerminal, type Delivery, type Phase } from '@sluice/delivery';
import { resourcePath, type Informer, type KubeClient, type KubeObject } from '@sluice/kube';

/** A Delivery as the watch holds it (status may be missing until a controller writes one). */
export type WatchedDelivery = KubeObject & Pick<Delivery, 'spec' | 'status'>;

type Waiter = { readonly test: (d: WatchedDelivery) => boolean; readonly resolve: (d: WatchedDelivery) => void };

/**
 * Everything the demo follows on the cluster, by watch (no polling): the
 * Deliveries in the system namespace, and every revision a color Deployment
 * in the target namespace was ever rendered with (so "v3 was never deployed"
 * is a fact, not an assumption).
 */
export class ClusterWatch {
  readonly #deliveries: Informer<WatchedDelivery>;
  readonly #deployments: Informer<KubeObject>;
  readonly #waiters = new Set<Waiter>();
  readonly #revisions = new Set<string>();

  constructor(client: KubeClient, o: { readonly namespace: string; readonly targetNamespace: string; readonly onChange: () => void }) {
    this.#deliveries = client.informer<WatchedDelivery>({
      path: resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'deliveries', namespace: o.namespace }),
      onEvent: (event) => {
        if (event.type === 'ADDED' || event.type === 'MODIFIED') {
          for (const waiter of this.#waiters) if (waiter.test(event.object)) waiter.resolve(event.object);
        }
        o.onChange();
      },
    });
    this.#deployments = client.informer<KubeObject>({
      path: resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: o.targetNamespace }),
      labelSelector: 'app.kubernetes.io/managed-by=sluice',
      onEvent: (event) => {
        if (event.type === 'RESYNC') return;
        const revision = event.object.metadata.annotations?.['sluice.dev/revision'];
        if (revision) this.#revisions.add(revision);
      },
    });
  }

  /** Resolves once both watches have listed. */
  async synced(): Promise<void> {
    await Promise.all([this.#deliveries.waitForSync(), this.#deployments.waitForSync()]);
  }

  /** Every Delivery seen, oldest push first. */
  deliveries(): WatchedDelivery[] {
    return this.#deliveries.list().sort((a, b) => a.spec.receivedAt.localeCompare(b.spec.receivedAt));
  }

  delivery(name: string): WatchedDelivery | undefined {
    return this.#deliveries.list().find((d) => d.metadata.name === name);
  }

  /** SHAs any color Deployment was rendered with so far. */
  renderedRevisions(): ReadonlySet<string> {
    return new Set(this.#revisions);
  }

  /** Resolves with the Delivery once it is in a final phase; rejects after `timeoutMs` or on abort. */
  untilFinal(name: string, timeoutMs: number, signal?: AbortSignal): Promise<WatchedDelivery> {
    const final = (d: WatchedDelivery) => d.metadata.name === name && isTerminal((d.status?.phase ?? 'Pending') as Phase);
    const now = this.delivery(name);
    if (now && final(now)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const done = (outcome: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(waiter);
        outcome();
      };
      const waiter: Waiter = { test: final, resolve: (d) => done(() => resolve(d)) };
      const onAbort = () => done(() => reject(new Error('interrupted')));
      const timer = setTimeout(() => {
        const phase = this.delivery(name)?.status?.phase ?? 'Pending';
        done(() => reject(new Error(`Delivery ${name} did not finish within ${Math.round(timeoutMs / 1000)} s (still ${phase})`)));
      }, timeoutMs);
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  stop(): void {
    this.#deliveries.stop();
    this.#deployments.stop();
  }
}
