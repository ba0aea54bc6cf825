import type { Delivery } from '@sluice/delivery';
import { API_GROUP_VERSION, APPLICATION_RESOURCE, DELIVERY_RESOURCE, LABEL_KEYS, isTerminal } from '@sluice/delivery';
import type { Informer, InformerEvent, KubeClient, KubeObject } from '@sluice/kube';
import { resourcePath } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import type { Telemetry } from '@sluice/telemetry';
import { admittedDeliveries } from '../decide/admission.js';
import type { EventFacts, JobFacts, PodFacts } from '../decide/facts.js';
import { awaitsTestStart, currentStatus } from '../decide/status.js';
import { MANAGED_SELECTOR } from '../jobs/names.js';
import { RunnerTelemetry } from '../telemetry/observer.js';
import { WorkQueue } from '@sluice/kube';
import type { ReconcileContext } from './reconcile.js';
import { reconcileDelivery } from './reconcile.js';
import { jobNamespace, type RunnerSettings } from './settings.js';
import { ClusterView, mergedCache } from './view.js';

/** Options of {@link TestRunnerController}. */
export interface TestRunnerControllerOptions {
  readonly client: KubeClient;
  readonly settings: RunnerSettings;
  readonly logger: Logger;
  /** Spans and metrics (see `telemetry/`); none when absent. */
  readonly telemetry?: Pick<Telemetry, 'tracer' | 'meter'>;
  /** Deliveries reconciled at once. Default 4 (the work is API calls, not CPU). */
  readonly workers?: number;
  /** Every Delivery is re-checked this often, in case a watch event was missed. Default 5 minutes. */
  readonly resyncIntervalMs?: number;
  readonly now?: () => number;
}

type Kind = 'deliveries' | 'applications' | 'jobs' | 'pods' | 'events';

/**
 * The test-runner controller: informers on Deliveries and Applications (the
 * Sluice namespace) and on the runner's Jobs, their pods and FailedCreate
 * events (the test and build namespaces) feed a work queue of Delivery names; each is
 * reconciled by {@link reconcileDelivery}. Nothing polls: work follows watch
 * events, deadlines the facts cannot announce (quota wait, pull grace) are
 * timers, and a slow periodic resync covers anything missed.
 */
export class TestRunnerController {
  private readonly informers: Record<Kind, Informer<KubeObject>[]>;
  private readonly view: ClusterView;
  private readonly queue: WorkQueue;
  private readonly starting = new Set<string>();
  private readonly jobsInFlight = new Set<string>();
  private readonly now: () => number;
  private readonly telemetry: RunnerTelemetry | undefined;
  private resyncTimer: ReturnType<typeof setInterval> | undefined;
  private synced = false;

  constructor(private readonly options: TestRunnerControllerOptions) {
    const { client, settings, logger } = options;
    this.now = options.now ?? Date.now;
    this.telemetry = options.telemetry && new RunnerTelemetry(options.telemetry, (kind) => jobNamespace(settings, kind));
    const sluicePath = (plural: string) => resourcePath({ apiVersion: API_GROUP_VERSION, plural, namespace: settings.namespace });
    const onError = (what: Kind) => (error: Error) => logger.warn({ informer: what, err: error.message }, 'watch interrupted; resuming');
    const make = (what: Kind, path: string, extra: { labelSelector?: string; fieldSelector?: string } = {}) =>
      client.informer<KubeObject>({ path, ...extra, onEvent: (e) => this.onEvent(what, e), onError: onError(what) });
    // Jobs, pods and events are watched in each namespace Jobs run in (RBAC grants no cluster-wide watch).
    const jobNamespaces = [...new Set([settings.testNamespace, settings.buildNamespace])];
    const perNamespace = (what: Kind, apiVersion: string, plural: string, extra: { labelSelector?: string; fieldSelector?: string }) =>
      jobNamespaces.map((namespace) => make(what, resourcePath({ apiVersion, plural, namespace }), extra));
    this.informers = {
      deliveries: [make('deliveries', sluicePath(DELIVERY_RESOURCE.plural))],
      applications: [make('applications', sluicePath(APPLICATION_RESOURCE.plural))],
      jobs: perNamespace('jobs', 'batch/v1', 'jobs', { labelSelector: MANAGED_SELECTOR }),
      pods: perNamespace('pods', 'v1', 'pods', { labelSelector: MANAGED_SELECTOR }),
      events: perNamespace('events', 'v1', 'events', { fieldSelector: 'involvedObject.kind=Job,reason=FailedCreate' }),
    };
    this.view = new ClusterView(
      {
        deliveries: mergedCache(this.informers.deliveries),
        applications: mergedCache(this.informers.applications),
        jobs: mergedCache(this.informers.jobs as unknown as Informer<KubeObject & JobFacts>[]),
        pods: mergedCache(this.informers.pods as unknown as Informer<KubeObject & PodFacts>[]),
        events: mergedCache(this.informers.events as unknown as Informer<KubeObject & EventFacts>[]),
      },
      settings.namespace,
    );
    const ctx: ReconcileContext = {
      client,
      settings,
      view: this.view,
      logger,
      now: this.now,
      isAdmitted: (d) => this.admitted().some((a) => a.metadata.name === d.metadata.name),
      starting: this.starting,
      createRefusals: new Map(),
      jobsInFlight: this.jobsInFlight,
      ...(this.telemetry && { telemetry: this.telemetry }),
    };
    this.queue = new WorkQueue({
      workers: options.workers ?? 4,
      now: this.now,
      handle: async (name) => {
        const result = await reconcileDelivery(ctx, name);
        this.admitWaiting();
        return result;
      },
      onError: (name, err, retryInMs) => logger.warn({ deliveryId: name, err: err instanceof Error ? err.message : String(err), retryInMs }, 'reconcile failed; retrying'),
    });
  }

  /** Resolves once every informer has its first listing; then starts reconciling every known Delivery. */
  async start(): Promise<void> {
    await Promise.all(Object.values(this.informers).flatMap((all) => all.map((i) => i.waitForSync())));
    this.synced = true;
    for (const name of this.view.deliveryNames()) this.queue.add(name);
    this.queue.start();
    this.admitWaiting();
    const every = this.options.resyncIntervalMs ?? 300_000;
    this.resyncTimer = setInterval(() => this.view.deliveryNames().forEach((n) => this.queue.add(n)), every);
    this.resyncTimer.unref?.();
    this.options.logger.info({ deliveries: this.view.deliveryNames().length }, 'test-runner controller started');
  }

  /** True once the caches are synced (readiness). */
  isSynced(): boolean {
    return this.synced;
  }

  /** Resolves when no Delivery is queued or being reconciled. */
  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  /** Stops the informers and the queue; reconciles in flight finish on their own. */
  stop(): void {
    clearInterval(this.resyncTimer);
    this.queue.stop();
    Object.values(this.informers).forEach((all) => all.forEach((i) => i.stop()));
  }

  private admitted(): Delivery[] {
    return admittedDeliveries({
      deliveries: this.view.deliveries(),
      starting: this.starting,
      canStart: (d) => this.view.application(d.spec.application).kind === 'found',
      maxConcurrentJobs: this.options.settings.maxConcurrentJobs,
    });
  }

  /** Queues the Deliveries next in line when slots are free (a finished Job frees one). */
  private admitWaiting(): void {
    for (const d of this.admitted()) this.queue.add(d.metadata.name);
    this.telemetry?.waiting(this.view.deliveries().filter((d) => awaitsTestStart(d) && !this.starting.has(d.metadata.name)).length);
  }

  private onEvent(what: Kind, event: InformerEvent<KubeObject>): void {
    if (event.type === 'RESYNC') {
      this.view.deliveryNames().forEach((n) => this.queue.add(n));
      return;
    }
    const obj = event.object;
    switch (what) {
      case 'deliveries': {
        this.view.observeDelivery(obj, event.type === 'DELETED');
        this.queue.add(obj.metadata.name ?? '');
        return;
      }
      case 'applications':
        for (const name of this.view.deliveriesOf(obj.metadata.name ?? '')) {
          const d = this.view.delivery(name);
          if (d?.ok && !isTerminal(currentStatus(d.value).phase)) this.queue.add(name);
        }
        return;
      case 'jobs':
        this.jobsInFlight.delete(obj.metadata.name ?? '');
        this.enqueueOwner(obj);
        return;
      case 'pods':
        this.enqueueOwner(obj);
        return;
      case 'events': {
        const involved = (obj as KubeObject & EventFacts).involvedObject;
        const name = this.view.deliveryOfJob(involved.name ?? '', obj.metadata.namespace ?? '');
        if (name) this.queue.add(name);
        return;
      }
    }
  }

  private enqueueOwner(obj: KubeObject): void {
    const name = obj.metadata.labels?.[LABEL_KEYS.delivery];
    if (name) this.queue.add(name);
  }
}
