/**
 * The notifier's controller, on the shared runtime: once this replica leads,
 * an informer on Deliveries (watch, no polling) feeds per-project lanes that
 * reconcile each Delivery with GitLab.
 */
import { API_GROUP_VERSION, DeliverySchema, type Delivery } from '@sluice/delivery';
import type { GitlabClient } from '@sluice/gitlab';
import {
  ControllerRuntime,
  objectKey,
  resourcePath,
  type BackoffOptions,
  type HandleResult,
  type Informer,
  type KubeClient,
  type KubeObject,
  type LeaderElector,
  type RuntimeStatus,
} from '@sluice/kube';
import type { Logger } from '@sluice/service';
import type { DesiredOptions } from '../decide/desired.js';
import type { Call } from '../decide/plan.js';
import { DeliveryRetention, RETENTION_LANE } from '../retention/retention.js';
import type { NotifierTelemetry } from '../telemetry/gitlab.js';
import { newMemory, reconcileDelivery, type DeliveryMemory } from './reconcile.js';

/** Options of {@link NotifierController}. */
export interface NotifierControllerOptions {
  readonly kube: KubeClient;
  readonly gitlab: GitlabClient;
  /** Namespace whose Deliveries are reported. */
  readonly namespace: string;
  /** Status names and links. */
  readonly decide: DesiredOptions;
  /** GitLab calls in flight at once, across projects. Default 8. */
  readonly concurrency?: number;
  /** Pauses of a project after 429/5xx/timeouts/409 locks (GitLab's Retry-After, when longer, wins). Default 500 ms doubling to 5 min. */
  readonly backoff?: BackoffOptions;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Told about every GitLab answer (metrics, the benchmark). */
  readonly onOutcome?: (call: Call, outcome: 'posted' | 'already' | 'verified' | 'retry' | 'refused') => void;
  /** Spans of the GitLab requests (the client must use its dispatcher) and the unsent-posts depth. */
  readonly telemetry?: NotifierTelemetry;
  /** Leader election; none: this replica is the sole active one. */
  readonly elector?: LeaderElector;
  /** Called once leadership is lost and work drained (main exits non-zero). */
  readonly onLostLeadership?: (reason: string) => void;
}

/**
 * Watches the Deliveries of one namespace and keeps GitLab's commit
 * statuses, deployments and rollback notes in line with them. Start with
 * {@link start}; stop with {@link stop}.
 */
export class NotifierController {
  private readonly runtime: ControllerRuntime;
  private readonly memory = new Map<string, DeliveryMemory>();
  private readonly invalid = new Set<string>();
  private informer: Informer<KubeObject> | undefined;
  private readonly retention: DeliveryRetention;
  private startedAtMs = Number.POSITIVE_INFINITY;

  constructor(private readonly options: NotifierControllerOptions) {
    const { logger } = options;
    this.retention = new DeliveryRetention({ namespace: options.namespace, decide: options.decide, logger, ...(options.telemetry && { onDeleted: options.telemetry.deleted }) });
    this.runtime = new ControllerRuntime({
      name: 'notifier',
      client: options.kube,
      concurrency: options.concurrency ?? 8,
      // GitLab serialises status updates per project+SHA, and its rate limits are per user: one lane per project, so a
      // project that is slow or answering 429/5xx pauses only its own lane.
      laneOf: (key) => (this.retention.owns(key) ? RETENTION_LANE : this.projectOf(key)),
      backoff: { initialMs: 500, maxMs: 300_000, ...options.backoff },
      logger,
      onError: (key, error) => logger.error({ delivery: key, err: error }, 'reconcile failed; will retry'),
      ...(options.elector && { elector: options.elector }),
      ...(options.onLostLeadership && { onLostLeadership: options.onLostLeadership }),
      setup: ({ client, queue, mayWrite }) => {
        // Deliveries created from now on cannot have statuses this replica does not know of.
        this.startedAtMs = (options.now ?? (() => new Date()))().getTime();
        const path = resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'deliveries', namespace: options.namespace });
        const key = (object: KubeObject) => objectKey(object.metadata.namespace, object.metadata.name ?? '');
        const informer = client.informer<KubeObject>({
          path,
          onEvent: (event) => {
            if (event.type === 'RESYNC') for (const object of event.objects) queue.add(key(object));
            else if (event.type === 'DELETED') this.forget(event.object);
            else queue.add(key(event.object));
          },
          onError: (error) => logger.warn({ err: error }, 'Delivery watch interrupted; resuming'),
        });
        this.informer = informer;
        return {
          informers: [informer, this.retention.setup(client, queue, informer)],
          keys: () => [],
          reconcile: (k) => this.handle(client, mayWrite, k),
          onStarted: () => logger.info({ namespace: options.namespace, deliveries: informer.list().length }, 'watching Deliveries'),
        };
      },
    });
  }

  /** Waits for leadership, then starts watching; resolves once the first listing is in and queued. */
  start(): Promise<void> {
    return this.runtime.start();
  }

  /** Readiness: a standby, or a leader whose informer has its first listing. */
  hasSynced(): boolean {
    return this.runtime.ready();
  }

  /** Role, Lease holder, caches. */
  status(): RuntimeStatus {
    return this.runtime.status();
  }

  /** Resolves when every queued Delivery has been handled and no project waits on a backoff. */
  idle(): Promise<void> {
    return this.runtime.whenIdle();
  }

  /** Queue sizes, for the benchmark and logs. */
  stats(): ReturnType<ControllerRuntime['stats']> & { readonly remembered: number } {
    return { ...this.runtime.stats(), remembered: this.memory.size };
  }

  /** Stops watching and handing out work; calls in flight finish; the leader Lease is released. */
  stop(): Promise<void> {
    return this.runtime.stop();
  }

  /** The lane of a Delivery key: its GitLab project. */
  private projectOf(key: string): string {
    const [namespace, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    const object = this.informer?.get(namespace, name ?? '');
    return String((object?.['spec'] as { project?: { id?: unknown } } | undefined)?.project?.id ?? 'unknown');
  }

  private forget(object: KubeObject): void {
    const uid = object.metadata.uid;
    if (uid !== undefined) this.memory.delete(uid);
    this.invalid.delete(objectKey(object.metadata.namespace, object.metadata.name ?? ''));
    this.options.telemetry?.unsent(objectKey(object.metadata.namespace, object.metadata.name ?? ''), 0);
  }

  private async handle(kube: KubeClient, mayWrite: () => boolean, key: string): Promise<HandleResult> {
    if (this.retention.owns(key)) return this.retention.pass(kube, key);
    const [namespace, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    const object = this.informer?.get(namespace, name ?? '');
    if (!object) return {};
    const parsed = DeliverySchema.safeParse(object);
    if (!parsed.success) {
      if (!this.invalid.has(key)) this.options.logger.error({ delivery: key, problems: parsed.error.issues.slice(0, 5) }, 'Delivery does not match the schema; skipped');
      this.invalid.add(key);
      return {};
    }
    const delivery: Delivery = parsed.data;
    const uid = delivery.metadata.uid ?? key;
    let memory = this.memory.get(uid);
    if (!memory) {
      memory = newMemory();
      this.memory.set(uid, memory);
    }
    const result = await reconcileDelivery(delivery, memory, {
      gitlab: this.options.gitlab,
      kube,
      decide: this.options.decide,
      logger: this.options.logger,
      now: this.options.now ?? (() => new Date()),
      startedAtMs: this.startedAtMs,
      mayWrite,
      ...(this.options.onOutcome !== undefined ? { onOutcome: this.options.onOutcome } : {}),
      ...(this.options.telemetry !== undefined ? { telemetry: this.options.telemetry } : {}),
    });
    this.options.telemetry?.unsent(key, result.unsent ?? 0);
    // A finished Delivery whose record is complete in the cluster needs no memory: replanning it from the cluster gives nothing to do.
    if (result.settled && memory.unflushed.size === 0) this.memory.delete(uid);
    if (result.settled) this.retention.settled(delivery);
    return result.lane;
  }
}
