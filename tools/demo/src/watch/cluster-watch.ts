import { API_GROUP_VERSION, LABEL_KEYS, isTerminal, type Delivery, type Phase } from '@sluice/delivery';
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
/** A test or build Job's pod as the watch saw it: created, its first container (the clone step) running, ended. */
export interface JobRun {
  readonly delivery: string;
  readonly stage: string;
  readonly pod: string;
  readonly createdAt: number;
  readonly runningAt?: number;
  readonly endedAt?: number;
}

type PodStatus = { phase?: string; initContainerStatuses?: { state?: { running?: object; terminated?: object } }[]; containerStatuses?: { state?: { running?: object; terminated?: object } }[] };

/** A Service's selector as it changed: the color and revision that took the traffic, and when the watch saw it. */
export interface TrafficSwitch {
  readonly at: number;
  readonly service: string;
  readonly color: string;
  readonly revision: string;
}

export class ClusterWatch {
  readonly #deliveries: Informer<WatchedDelivery>;
  readonly #deployments: Informer<KubeObject>;
  readonly #services: Informer<KubeObject>;
  readonly #waiters = new Set<Waiter>();
  readonly #revisions = new Set<string>();
  readonly #switches: TrafficSwitch[] = [];
  readonly #jobPods: Informer<KubeObject>[];
  readonly #runs = new Map<string, JobRun>();

  constructor(
    client: KubeClient,
    o: { readonly namespace: string; readonly targetNamespace: string; readonly jobNamespaces: readonly string[]; readonly onChange: () => void },
  ) {
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
    this.#jobPods = o.jobNamespaces.map((namespace) =>
      client.informer<KubeObject>({
        path: resourcePath({ apiVersion: 'v1', plural: 'pods', namespace }),
        labelSelector: LABEL_KEYS.delivery,
        onEvent: (event) => (event.type === 'RESYNC' ? event.objects : event.type === 'DELETED' ? [] : [event.object]).forEach((pod) => this.#observePod(pod)),
      }),
    );
    this.#services = client.informer<KubeObject>({
      path: resourcePath({ apiVersion: 'v1', plural: 'services', namespace: o.targetNamespace }),
      labelSelector: 'app.kubernetes.io/managed-by=sluice',
      onEvent: (event) => {
        if (event.type === 'RESYNC' || event.type === 'DELETED') return;
        const service = event.object as KubeObject & { spec?: { selector?: Record<string, string> } };
        const color = service.spec?.selector?.['color'];
        const revision = service.metadata.annotations?.['sluice.dev/revision'];
        const last = this.#switches.findLast((s) => s.service === service.metadata.name);
        if (color && revision && (last?.color !== color || last.revision !== revision)) {
          this.#switches.push({ at: Date.now(), service: service.metadata.name ?? '', color, revision });
        }
      },
    });
  }

  #observePod(pod: KubeObject & { status?: PodStatus }): void {
    const delivery = pod.metadata.labels?.[LABEL_KEYS.delivery];
    const stage = pod.metadata.labels?.['sluice.dev/stage'];
    const name = pod.metadata.name;
    if (!delivery || !stage || !name) return;
    const now = Date.now();
    const run = this.#runs.get(name) ?? { delivery, stage, pod: name, createdAt: now };
    const phase = pod.status?.phase;
    const containers = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    const started = containers.some((c) => c.state?.running !== undefined || c.state?.terminated !== undefined);
    this.#runs.set(name, {
      ...run,
      ...(run.runningAt === undefined && started && { runningAt: now }),
      ...(run.endedAt === undefined && (phase === 'Succeeded' || phase === 'Failed') && { endedAt: now }),
    });
  }

  /** The test and build Jobs' pods, with when this watch saw them start running and end (ms, unlike the API's seconds). */
  jobRuns(): readonly JobRun[] {
    return [...this.#runs.values()];
  }

  /** Each time a Service's selector (and revision) changed, as this watch saw it: when traffic was switched. */
  switches(): readonly TrafficSwitch[] {
    return [...this.#switches];
  }

  /** Resolves once both watches have listed. */
  async synced(): Promise<void> {
    await Promise.all([this.#deliveries.waitForSync(), this.#deployments.waitForSync(), this.#services.waitForSync(), ...this.#jobPods.map((i) => i.waitForSync())]);
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
    this.#services.stop();
    this.#jobPods.forEach((i) => i.stop());
  }
}
