/**
 * The notifier's controller: an informer on Deliveries (watch, no polling)
 * feeding per-project lanes that reconcile each Delivery with GitLab.
 */
import { API_GROUP_VERSION, DeliverySchema, type Delivery } from '@sluice/delivery';
import type { GitlabClient } from '@sluice/gitlab';
import { objectKey, resourcePath, type Informer, type KubeClient, type KubeObject } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import type { DesiredOptions } from '../decide/desired.js';
import type { Call } from '../decide/plan.js';
import type { NotifierTelemetry } from '../telemetry/gitlab.js';
import { ProjectQueues, type BackoffSettings, type LaneResult } from './queue.js';
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
  readonly backoff?: BackoffSettings;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** Told about every GitLab answer (metrics, the benchmark). */
  readonly onOutcome?: (call: Call, outcome: 'posted' | 'already' | 'verified' | 'retry' | 'refused') => void;
  /** Spans of the GitLab requests (the client must use its dispatcher) and the unsent-posts depth. */
  readonly telemetry?: NotifierTelemetry;
}

/**
 * Watches the Deliveries of one namespace and keeps GitLab's commit
 * statuses, deployments and rollback notes in line with them. Start with
 * {@link start}; stop with {@link stop}.
 */
export class NotifierController {
  private readonly queues: ProjectQueues;
  private readonly memory = new Map<string, DeliveryMemory>();
  private readonly invalid = new Set<string>();
  private informer: Informer<KubeObject> | undefined;
  private startedAtMs = Number.POSITIVE_INFINITY;

  constructor(private readonly options: NotifierControllerOptions) {
    this.queues = new ProjectQueues({
      concurrency: options.concurrency ?? 8,
      handle: (key) => this.handle(key),
      ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
      onError: (key, error) => options.logger.error({ delivery: key, err: error }, 'reconcile failed; will retry'),
      onPause: (project, key, delayMs, attempt) => options.logger.debug({ project, delivery: key, delayMs, attempt }, 'project paused'),
    });
  }

  /** Starts watching; resolves once the first listing is in and queued. */
  async start(): Promise<void> {
    this.startedAtMs = (this.options.now ?? (() => new Date()))().getTime();
    const path = resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'deliveries', namespace: this.options.namespace });
    this.informer = this.options.kube.informer<KubeObject>({
      path,
      onEvent: (event) => {
        if (event.type === 'RESYNC') for (const object of event.objects) this.enqueue(object);
        else if (event.type === 'DELETED') this.forget(event.object);
        else this.enqueue(event.object);
      },
      onError: (error) => this.options.logger.warn({ err: error }, 'Delivery watch interrupted; resuming'),
    });
    await this.informer.waitForSync();
    this.options.logger.info({ namespace: this.options.namespace, deliveries: this.informer.list().length }, 'watching Deliveries');
  }

  /** True once the informer has its first listing. */
  hasSynced(): boolean {
    return this.informer?.hasSynced() ?? false;
  }

  /** Resolves when every queued Delivery has been handled and no project waits on a backoff. */
  idle(): Promise<void> {
    return this.queues.idle();
  }

  /** Queue sizes, for the benchmark and logs. */
  stats(): ReturnType<ProjectQueues['stats']> & { readonly remembered: number } {
    return { ...this.queues.stats(), remembered: this.memory.size };
  }

  /** Stops watching and handing out work; calls in flight finish. */
  stop(): void {
    this.informer?.stop();
    this.queues.stop();
  }

  private enqueue(object: KubeObject): void {
    const project = (object['spec'] as { project?: { id?: unknown } } | undefined)?.project?.id;
    this.queues.add(String(project ?? 'unknown'), objectKey(object.metadata.namespace, object.metadata.name ?? ''));
  }

  private forget(object: KubeObject): void {
    const uid = object.metadata.uid;
    if (uid !== undefined) this.memory.delete(uid);
    this.invalid.delete(objectKey(object.metadata.namespace, object.metadata.name ?? ''));
    this.options.telemetry?.unsent(objectKey(object.metadata.namespace, object.metadata.name ?? ''), 0);
  }

  private async handle(key: string): Promise<LaneResult> {
    const [namespace, name] = key.includes('/') ? key.split('/', 2) : [undefined, key];
    const object = this.informer?.get(namespace, name ?? '');
    if (!object) return { kind: 'done' };
    const parsed = DeliverySchema.safeParse(object);
    if (!parsed.success) {
      if (!this.invalid.has(key)) this.options.logger.error({ delivery: key, problems: parsed.error.issues.slice(0, 5) }, 'Delivery does not match the schema; skipped');
      this.invalid.add(key);
      return { kind: 'done' };
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
      kube: this.options.kube,
      decide: this.options.decide,
      logger: this.options.logger,
      now: this.options.now ?? (() => new Date()),
      startedAtMs: this.startedAtMs,
      ...(this.options.onOutcome !== undefined ? { onOutcome: this.options.onOutcome } : {}),
      ...(this.options.telemetry !== undefined ? { telemetry: this.options.telemetry } : {}),
    });
    this.options.telemetry?.unsent(key, result.unsent ?? 0);
    // A finished Delivery whose record is complete in the cluster needs no memory: replanning it from the cluster gives nothing to do.
    if (result.settled && memory.unflushed.size === 0) this.memory.delete(uid);
    return result.lane;
  }
}
