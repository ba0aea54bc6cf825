import type { BackoffOptions } from '../backoff.js';
import type { KubeClient } from '../client.js';
import type { LeaderElector, LeaderRole } from '../leader/elector.js';
import { fencedClient, isFenced } from '../leader/fenced-client.js';
import { KeyedQueue, type HandleResult } from './keyed-queue.js';

/** The log calls the runtime makes (a pino logger fits). */
export interface RuntimeLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** How a controller queues work: from informer events, timers, or after a reconcile. */
export interface Enqueue {
  /** Queues a key now. */
  add(key: string): void;
  /** Queues a key at a deadline. */
  addAt(key: string, atMs: number): void;
}

/** The informer side the runtime needs (an `Informer` fits). */
export interface SyncedCache {
  waitForSync(): Promise<void>;
  stop(): void;
}

/** A controller as the runtime runs it; built by {@link ControllerRuntimeOptions.setup} once this replica leads. */
export interface Controller {
  /** Every informer; work starts once all have synced. */
  readonly informers: readonly SyncedCache[];
  /** Keys to handle once the caches are synced, and again on every resync. */
  readonly keys: () => Iterable<string>;
  /** Handles one key; a throw is retried with the queue's backoff, a `Fenced` error only while this replica still leads. */
  readonly reconcile: (key: string) => Promise<HandleResult>;
  /** Called after the first keys are queued (e.g. to admit waiting work). */
  readonly onStarted?: () => void;
}

/** What a controller's setup gets. */
export interface ControllerContext {
  /** The fenced client: writes throw `KubeError('Fenced')` once this replica may no longer write. */
  readonly client: KubeClient;
  readonly queue: Enqueue;
  /** The same fence for writes that do not go through Kubernetes (GitLab calls): false once this replica may no longer write. */
  readonly mayWrite: () => boolean;
}

/** Options of {@link ControllerRuntime}. */
export interface ControllerRuntimeOptions {
  /** The service name, for logs. */
  readonly name: string;
  /** The app's client; reconcilers get it fenced. */
  readonly client: KubeClient;
  /** Leader election; none (SLUICE_LEADER_ELECTION=false): this replica is the sole active one. */
  readonly elector?: LeaderElector;
  /** Creates the informers and the reconcile function; called once, when this replica leads. */
  readonly setup: (context: ControllerContext) => Controller;
  /** Keys handled at once. */
  readonly concurrency: number;
  /** Lane of a key (see {@link KeyedQueue}); default: each key its own lane. */
  readonly laneOf?: (key: string) => string;
  readonly backoff?: BackoffOptions;
  /** Every key is re-queued this often, in case a watch event was missed. Default: never. */
  readonly resyncIntervalMs?: number;
  readonly logger: RuntimeLogger;
  /** Told about each failed reconcile before its retry. */
  readonly onError?: (key: string, error: unknown) => void;
  /**
   * Called once leadership is lost (after work stopped and in-flight
   * reconciles drained): the app exits non-zero so Kubernetes restarts it as
   * a fresh standby.
   */
  readonly onLostLeadership?: (reason: string) => void;
}

/** What `/leaderz` and the logs show. */
export interface RuntimeStatus {
  readonly role: LeaderRole;
  /** The Lease holder last seen. */
  readonly holder: string | undefined;
  /** Caches synced and workers running. */
  readonly synced: boolean;
}

/**
 * The one controller runtime: elect → informers → keyed work queue → reconcile.
 * Start order for every controller: (the app starts telemetry and its health
 * server, then) {@link start} waits for leadership, builds the informers,
 * waits for their sync, queues every key and starts the workers. A standby
 * runs no informers and writes nothing.
 */
export class ControllerRuntime {
  private readonly queue: KeyedQueue;
  private readonly client: KubeClient;
  private controller: Controller | undefined;
  private resyncTimer: ReturnType<typeof setInterval> | undefined;
  private synced = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: ControllerRuntimeOptions) {
    const { elector, logger } = options;
    this.client = elector ? fencedClient(options.client, () => elector.mayWrite()) : options.client;
    this.queue = new KeyedQueue({
      concurrency: options.concurrency,
      handle: (key) => this.handle(key),
      isStop: isFenced,
      ...(options.laneOf && { laneOf: options.laneOf }),
      ...(options.backoff && { backoff: options.backoff }),
      onError: (key, err) => (options.onError ? options.onError(key, err) : logger.warn({ key, err: err instanceof Error ? err.message : String(err) }, 'reconcile failed; retrying')),
    });
    elector?.onLost((reason) => void this.leadershipLost(reason));
  }

  /** Waits for leadership, then starts informers and workers; resolves once work started (or never leads, when stopped first). */
  async start(): Promise<void> {
    const { elector, logger, name } = this.options;
    if (elector) {
      elector.start();
      logger.info({ service: name, role: 'standby' }, 'waiting for the leader lease');
      try {
        await elector.whenLeading();
      } catch {
        return; // stopped (or shut down) before leading
      }
    }
    if (this.stopping) return;
    const queue = { add: (k: string) => this.queue.add(k), addAt: (k: string, at: number) => this.queue.addAt(k, at) };
    const controller = this.options.setup({ client: this.client, queue, mayWrite: () => (elector ? elector.mayWrite() : true) });
    this.controller = controller;
    try {
      await Promise.all(controller.informers.map((i) => i.waitForSync()));
    } catch (err) {
      if (this.stopping) return; // stopped (or the Lease lost) before the caches synced
      throw err;
    }
    if (this.stopping) return;
    for (const key of controller.keys()) this.queue.add(key);
    this.queue.start();
    this.synced = true;
    controller.onStarted?.();
    const every = this.options.resyncIntervalMs;
    if (every !== undefined) {
      this.resyncTimer = setInterval(() => [...controller.keys()].forEach((k) => this.queue.add(k)), every);
      this.resyncTimer.unref?.();
    }
    logger.info({ service: name, role: elector ? 'leader' : 'sole' }, 'controller started');
  }

  /**
   * Readiness: a standby is ready (so a rolling update proceeds; `/leaderz`
   * says it is standby); a leader once its caches synced; a replica that lost
   * its Lease never again.
   */
  ready(): boolean {
    const role = this.options.elector?.currentRole();
    if (role === 'lost') return false;
    if (role === 'standby') return true;
    return this.synced;
  }

  /** Role, Lease holder and cache state. */
  status(): RuntimeStatus {
    const elector = this.options.elector;
    return { role: elector ? elector.currentRole() : 'leader', holder: elector?.observedHolder(), synced: this.synced };
  }

  /** Resolves when nothing is queued, handled or backing off. */
  whenIdle(): Promise<void> {
    return this.queue.whenIdle();
  }

  /** Queue sizes, for benchmarks and logs. */
  stats(): ReturnType<KeyedQueue['stats']> {
    return this.queue.stats();
  }

  /**
   * Shutdown (SIGTERM): stops taking work and watching, lets reconciles in
   * flight finish, then releases the Lease so a standby takes over at once.
   */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      this.stopWork();
      await this.queue.drained();
      await this.options.elector?.release();
    })());
  }

  private stopWork(): void {
    clearInterval(this.resyncTimer);
    this.queue.stop();
    this.controller?.informers.forEach((i) => i.stop());
  }

  /**
   * Reconciles one key. A write refused by the fence while this replica still
   * leads is handled again after a backoff, not dropped: the fence closes as
   * soon as the last renewal was *sent* a renew deadline ago, and a renewal
   * landing a moment later (slow API server, busy event loop) reopens it
   * without a step-down; a dropped key waited for a watch event that, for a
   * Delivery waiting on this controller, never comes. After a real loss the
   * queue is stopped and the retry goes with it.
   */
  private async handle(key: string): Promise<HandleResult> {
    if (!this.controller) return {};
    try {
      return await this.controller.reconcile(key);
    } catch (err) {
      if (!isFenced(err) || this.options.elector?.currentRole() !== 'leader') throw err;
      this.options.logger.info({ service: this.options.name, key }, 'write fenced while still leading (a renewal is late); handling the key again');
      return { retry: { reason: 'fenced', afterMs: null } };
    }
  }

  /** Leadership lost: the fence is already closed; stop work, drain, then tell the app. */
  private async leadershipLost(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = (async () => {
      this.stopWork();
      await this.queue.drained();
    })();
    await this.stopping;
    this.options.onLostLeadership?.(reason);
  }
}
