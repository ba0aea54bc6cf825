import type { Delivery } from '@sluice/delivery';
import { API_GROUP_VERSION, APPLICATION_RESOURCE, DELIVERY_RESOURCE, LABEL_KEYS, isTerminal } from '@sluice/delivery';
import type { Informer, InformerEvent, KubeClient, KubeObject, LeaderElector, RuntimeStatus } from '@sluice/kube';
import { ControllerRuntime, resourcePath } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import type { Telemetry } from '@sluice/telemetry';
import { admittedDeliveries, waitingReason, type AdmissionInput } from '../decide/admission.js';
import type { EventFacts, JobFacts, PodFacts } from '../decide/facts.js';
import { awaitsTestStart, currentStatus } from '../decide/status.js';
import { MANAGED_SELECTOR } from '../jobs/names.js';
import { RunnerTelemetry } from '../telemetry/observer.js';
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
  /** Leader election; none: this replica is the sole active one. */
  readonly elector?: LeaderElector;
  /** Called once leadership is lost and work drained (main exits non-zero). */
  readonly onLostLeadership?: (reason: string) => void;
}

type Kind = 'deliveries' | 'applications' | 'jobs' | 'pods' | 'events';

/**
 * The test-runner controller, on the shared runtime: once this replica leads, informers on Deliveries and Applications (the
 * Sluice namespace) and on the runner's Jobs, their pods and FailedCreate
 * events (the test and build namespaces) feed a work queue of Delivery names; each is
 * reconciled by {@link reconcileDelivery}. Nothing polls: work follows watch
 * events, deadlines the facts cannot announce (quota wait, pull grace) are
 * timers, and a slow periodic resync covers anything missed.
 */
export class TestRunnerController {
  private readonly runtime: ControllerRuntime;
  private readonly starting = new Set<string>();
  private readonly jobsInFlight = new Set<string>();
  private readonly now: () => number;
  private readonly telemetry: RunnerTelemetry | undefined;
  private view: ClusterView | undefined;
  private enqueue: (name: string) => void = () => undefined;

  constructor(private readonly options: TestRunnerControllerOptions) {
    const { settings, logger } = options;
    this.now = options.now ?? Date.now;
    this.telemetry = options.telemetry && new RunnerTelemetry(options.telemetry, (kind) => jobNamespace(settings, kind));
    this.runtime = new ControllerRuntime({
      name: 'test-runner',
      client: options.client,
      concurrency: options.workers ?? 4,
      resyncIntervalMs: options.resyncIntervalMs ?? 300_000,
      logger,
      onError: (name, err) => logger.warn({ deliveryId: name, err: err instanceof Error ? err.message : String(err) }, 'reconcile failed; retrying'),
      ...(options.elector && { elector: options.elector }),
      ...(options.onLostLeadership && { onLostLeadership: options.onLostLeadership }),
      setup: ({ client, queue }) => {
        this.enqueue = (name) => queue.add(name);
        const informers = this.watch(client);
        const view = new ClusterView(
          {
            deliveries: mergedCache(informers.deliveries),
            applications: mergedCache(informers.applications),
            jobs: mergedCache(informers.jobs as unknown as Informer<KubeObject & JobFacts>[]),
            pods: mergedCache(informers.pods as unknown as Informer<KubeObject & PodFacts>[]),
            events: mergedCache(informers.events as unknown as Informer<KubeObject & EventFacts>[]),
          },
          settings.namespace,
        );
        this.view = view;
        const ctx: ReconcileContext = {
          client,
          settings,
          view,
          logger,
          now: this.now,
          isAdmitted: (d) => this.admitted(view).some((a) => a.metadata.name === d.metadata.name),
          waitingReason: (d) => waitingReason(d, this.admissionInput(view)),
          starting: this.starting,
          createRefusals: new Map(),
          jobsInFlight: this.jobsInFlight,
          ...(this.telemetry && { telemetry: this.telemetry }),
        };
        return {
          informers: Object.values(informers).flat(),
          keys: () => view.deliveryNames(),
          reconcile: async (name) => {
            const result = await reconcileDelivery(ctx, name);
            this.admitWaiting(view);
            return result;
          },
          onStarted: () => {
            this.admitWaiting(view);
            logger.info({ deliveries: view.deliveryNames().length }, 'test-runner controller started');
          },
        };
      },
    });
  }

  /** Waits for leadership, then for every informer's first listing; then starts reconciling every known Delivery. */
  start(): Promise<void> {
    return this.runtime.start();
  }

  /** Readiness: a standby, or a leader whose caches are synced. */
  isSynced(): boolean {
    return this.runtime.ready();
  }

  /** Role, Lease holder, caches. */
  status(): RuntimeStatus {
    return this.runtime.status();
  }

  /** Resolves when no Delivery is queued or being reconciled. */
  whenIdle(): Promise<void> {
    return this.runtime.whenIdle();
  }

  /** Stops the informers and the queue; reconciles in flight finish; the leader Lease is released. */
  stop(): Promise<void> {
    return this.runtime.stop();
  }

  private watch(client: KubeClient): Record<Kind, Informer<KubeObject>[]> {
    const { settings, logger } = this.options;
    const sluicePath = (plural: string) => resourcePath({ apiVersion: API_GROUP_VERSION, plural, namespace: settings.namespace });
    const onError = (what: Kind) => (error: Error) => logger.warn({ informer: what, err: error.message }, 'watch interrupted; resuming');
    const make = (what: Kind, path: string, extra: { labelSelector?: string; fieldSelector?: string } = {}) =>
      client.informer<KubeObject>({ path, ...extra, onEvent: (e) => this.onEvent(what, e), onError: onError(what) });
    // Jobs, pods and events are watched in each namespace Jobs run in (RBAC grants no cluster-wide watch).
    const jobNamespaces = [...new Set([settings.testNamespace, settings.buildNamespace])];
    const perNamespace = (what: Kind, apiVersion: string, plural: string, extra: { labelSelector?: string; fieldSelector?: string }) =>
      jobNamespaces.map((namespace) => make(what, resourcePath({ apiVersion, plural, namespace }), extra));
    return {
      deliveries: [make('deliveries', sluicePath(DELIVERY_RESOURCE.plural))],
      applications: [make('applications', sluicePath(APPLICATION_RESOURCE.plural))],
      jobs: perNamespace('jobs', 'batch/v1', 'jobs', { labelSelector: MANAGED_SELECTOR }),
      pods: perNamespace('pods', 'v1', 'pods', { labelSelector: MANAGED_SELECTOR }),
      events: perNamespace('events', 'v1', 'events', { fieldSelector: 'involvedObject.kind=Job,reason=FailedCreate' }),
    };
  }

  private admissionInput(view: ClusterView): AdmissionInput {
    return {
      deliveries: view.deliveries(),
      starting: this.starting,
      canStart: (d) => view.application(d.spec.application).kind === 'found',
      maxConcurrentJobs: this.options.settings.maxConcurrentJobs,
      maxConcurrentJobsPerProject: this.options.settings.maxConcurrentJobsPerProject,
    };
  }

  private admitted(view: ClusterView): Delivery[] {
    return admittedDeliveries(this.admissionInput(view));
  }

  /** Queues the Deliveries next in line when slots are free (a finished Job frees one). */
  private admitWaiting(view: ClusterView): void {
    for (const d of this.admitted(view)) this.enqueue(d.metadata.name);
    this.telemetry?.waiting(view.deliveries().filter((d) => awaitsTestStart(d) && !this.starting.has(d.metadata.name)).length);
  }

  private onEvent(what: Kind, event: InformerEvent<KubeObject>): void {
    const view = this.view;
    if (!view) return;
    if (event.type === 'RESYNC') {
      view.deliveryNames().forEach((n) => this.enqueue(n));
      return;
    }
    const obj = event.object;
    switch (what) {
      case 'deliveries': {
        view.observeDelivery(obj, event.type === 'DELETED');
        this.enqueue(obj.metadata.name ?? '');
        return;
      }
      case 'applications':
        for (const name of view.deliveriesOf(obj.metadata.name ?? '')) {
          const d = view.delivery(name);
          if (d?.ok && !isTerminal(currentStatus(d.value).phase)) this.enqueue(name);
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
        const name = view.deliveryOfJob(involved.name ?? '', obj.metadata.namespace ?? '');
        if (name) this.enqueue(name);
        return;
      }
    }
  }

  private enqueueOwner(obj: KubeObject): void {
    const name = obj.metadata.labels?.[LABEL_KEYS.delivery];
    if (name) this.enqueue(name);
  }
}
