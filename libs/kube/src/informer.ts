import { backoffDelay } from './backoff.js';
import type { BackoffOptions } from './backoff.js';
import { KubeError, errorFromStatus, toKubeError } from './errors.js';
import { objectKey } from './paths.js';
import type { KubeObject, KubeStatus } from './types.js';
import { listAllPages } from './list.js';
import type { Query, WatchHandle, WatchSource } from './watch-source.js';

/** A change seen by an informer. */
export type InformerEvent<T extends KubeObject> =
  | { readonly type: 'ADDED'; readonly object: T }
  | { readonly type: 'MODIFIED'; readonly object: T; readonly previous: T | undefined }
  | { readonly type: 'DELETED'; readonly object: T }
  /**
   * Synthetic, after a re-list (the watch fell too far behind: 410 Gone).
   * The ADDED/MODIFIED/DELETED events that reconcile the cache with the new
   * listing come first; then this one, holding every object now known, so a
   * controller can re-check anything it might have missed.
   */
  | { readonly type: 'RESYNC'; readonly objects: readonly T[] };

/** Options for {@link Informer}. */
export interface InformerOptions<T extends KubeObject> {
  /** Collection path, e.g. from `resourcePath({ apiVersion, plural, namespace })`. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /**
   * Called synchronously for every change, in order. Keep it quick (enqueue
   * work); a throw is reported to `onError` and does not stop the informer.
   */
  readonly onEvent: (event: InformerEvent<T>) => void;
  /** Told about every failure the informer recovers from (it always retries); for logs and metrics. */
  readonly onError?: (error: KubeError) => void;
  /** Reconnect delays. Defaults: 500 ms doubling to 30 s, half jittered. */
  readonly backoff?: BackoffOptions;
  /**
   * The server ends each watch after this many seconds (stretched by up to
   * 2× at random) and the informer resumes from the last resourceVersion.
   * Bounds how long a silently dead connection can go unnoticed. Default 300.
   */
  readonly watchTimeoutSeconds?: number;
  /** Page size of the initial list and re-lists. Default 500. */
  readonly pageSize?: number;
  /**
   * Keep `metadata.managedFields` on cached objects. Default false: they are
   * dropped as objects arrive (no controller here reads them, and they are
   * often the bulk of an object), which shrinks the cache and every event.
   */
  readonly keepManagedFields?: boolean;
}

/** Per watch request: what it saw and how it ended. */
interface Session {
  handle?: WatchHandle;
  ended: boolean;
  error?: KubeError;
  sawEvent: boolean;
  readonly openedAt: number;
}

/** A watch that closed cleanly this soon without any event is treated as a failure, so it cannot spin. */
const MIN_HEALTHY_WATCH_MS = 1_000;

/**
 * List-then-watch with a local cache, the way client-go's reflector does it:
 * lists (paginated), watches from the list's resourceVersion with bookmarks,
 * remembers the last resourceVersion seen, resumes from it when a stream
 * ends, re-lists on 410 Gone (then emits `RESYNC`), and reconnects with
 * exponential backoff and jitter on errors. No polling.
 */
export class Informer<T extends KubeObject> {
  private readonly cache = new Map<string, T>();
  private resourceVersion: string | undefined;
  private synced = false;
  private stopped = false;
  private attempt = 0;
  private goneInARow = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private session: Session | undefined;
  private readonly syncedPromise: Promise<void>;
  private resolveSynced!: () => void;
  private rejectSynced!: (err: Error) => void;

  constructor(
    private readonly source: WatchSource,
    private readonly options: InformerOptions<T>,
  ) {
    this.syncedPromise = new Promise<void>((resolve, reject) => {
      this.resolveSynced = resolve;
      this.rejectSynced = reject;
    });
    // Callers that never await synced() must not see an unhandled rejection on stop().
    this.syncedPromise.catch(() => undefined);
    void this.listAndWatch();
  }

  /** True once the first complete listing is in the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first complete listing is in the cache; rejects if stopped first. */
  waitForSync(): Promise<void> {
    return this.syncedPromise;
  }

  /** Every cached object. Treat them as read-only: they are the cache. */
  list(): T[] {
    return [...this.cache.values()];
  }

  /** One cached object; pass `undefined` namespace for cluster-scoped kinds. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(objectKey(namespace, name));
  }

  /** The last resourceVersion seen from a list, an event or a bookmark. */
  lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** Stops watching and cancels any pending reconnect. The cache stays readable. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.session?.handle?.abort();
    if (!this.synced) this.rejectSynced(new Error('informer stopped before it synced'));
  }

  private async listAndWatch(): Promise<void> {
    if (this.stopped) return;
    const { path, labelSelector, fieldSelector, pageSize = 500 } = this.options;
    let items: T[];
    let rv: string;
    try {
      ({ items, resourceVersion: rv } = await listAllPages<T>((cont) =>
        this.source.list(path, { labelSelector, fieldSelector, limit: pageSize, continue: cont }),
      ));
    } catch (err) {
      this.report(toKubeError(err));
      this.retryLater(() => void this.listAndWatch());
      return;
    }
    if (this.stopped) return;
    this.attempt = 0;
    this.resourceVersion = rv;
    this.replace(items);
    this.startWatch();
  }

  /** The object as cached: without managedFields unless asked to keep them. */
  private trim(obj: T): T {
    if (!this.options.keepManagedFields && obj?.metadata && 'managedFields' in obj.metadata) delete (obj.metadata as { managedFields?: unknown }).managedFields;
    return obj;
  }

  /** Swaps in a fresh listing: ADDED for all on the first sync; a diff plus RESYNC afterwards. */
  private replace(items: T[]): void {
    const next = new Map(items.map((o) => [keyOf(o), this.trim(o)] as const));
    if (!this.synced) {
      for (const [key, obj] of next) this.cache.set(key, obj);
      for (const obj of next.values()) this.emit({ type: 'ADDED', object: obj });
      this.synced = true;
      this.resolveSynced();
      return;
    }
    const previous = new Map(this.cache);
    this.cache.clear();
    for (const [key, obj] of next) this.cache.set(key, obj);
    for (const [key, obj] of next) {
      const old = previous.get(key);
      if (!old) this.emit({ type: 'ADDED', object: obj });
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.emit({ type: 'MODIFIED', object: obj, previous: old });
    }
    for (const [key, old] of previous) if (!next.has(key)) this.emit({ type: 'DELETED', object: old });
    this.emit({ type: 'RESYNC', objects: [...next.values()] });
  }

  private startWatch(): void {
    if (this.stopped) return;
    const session: Session = { ended: false, sawEvent: false, openedAt: Date.now() };
    this.session = session;
    const base = this.options.watchTimeoutSeconds ?? 300;
    const query: Query = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      // Spread so many informers started together do not all reconnect together.
      timeoutSeconds: Math.max(1, Math.floor(base * (1 + Math.random()))),
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
    };
    const onEvent = (type: string, object: unknown) => {
      if (!session.ended && !this.stopped) this.onWatchEvent(session, type, object);
    };
    const onDone = (err: unknown) => {
      if (session.ended) return;
      session.ended = true;
      this.onWatchEnded(session, err);
    };
    this.source.watch(this.options.path, query, onEvent, onDone).then(
      (handle) => {
        session.handle = handle;
        if (session.ended || this.stopped) handle.abort();
      },
      onDone,
    );
  }

  private onWatchEvent(session: Session, type: string, raw: unknown): void {
    if (type === 'ERROR') {
      // The server reports in-stream failures (410 Expired above all) as a Status, then closes.
      session.error = errorFromStatus((raw ?? {}) as KubeStatus);
      session.handle?.abort();
      return;
    }
    const obj = this.trim(raw as T);
    const rv = obj?.metadata?.resourceVersion;
    if (!rv) return;
    session.sawEvent = true;
    this.attempt = 0;
    this.goneInARow = 0;
    this.resourceVersion = rv;
    if (type === 'BOOKMARK') return;
    const key = keyOf(obj);
    if (type === 'ADDED' || type === 'MODIFIED') {
      const previous = this.cache.get(key);
      this.cache.set(key, obj);
      // A resumed watch may replay an ADDED for an object we already hold; report it as what it is.
      this.emit(previous ? { type: 'MODIFIED', object: obj, previous } : { type: 'ADDED', object: obj });
    } else if (type === 'DELETED') {
      this.cache.delete(key);
      this.emit({ type: 'DELETED', object: obj });
    }
  }

  private onWatchEnded(session: Session, err: unknown): void {
    if (this.stopped) return;
    const error = session.error ?? (err ? toKubeError(err) : undefined);
    if (error?.status === 410) {
      // Our resourceVersion is older than the server keeps: nothing is broken, the
      // cache is just stale, so re-list at once. Only a server that answers 410
      // again before any event gets the backoff, so this cannot spin.
      this.report(error);
      if (this.goneInARow++ === 0) void this.listAndWatch();
      else this.retryLater(() => void this.listAndWatch());
      return;
    }
    if (error) {
      this.report(error);
      this.retryLater(() => this.startWatch());
      return;
    }
    // A clean close (the server's timeoutSeconds, a proxy): resume from the last resourceVersion.
    if (session.sawEvent || Date.now() - session.openedAt >= MIN_HEALTHY_WATCH_MS) this.startWatch();
    else this.retryLater(() => this.startWatch());
  }

  private retryLater(fn: () => void): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.options.backoff);
    this.timer = setTimeout(fn, delay);
  }

  private emit(event: InformerEvent<T>): void {
    try {
      this.options.onEvent(event);
    } catch (err) {
      this.report(new KubeError('Unknown', `informer onEvent handler threw: ${String(err)}`, { cause: err }));
    }
  }

  private report(error: KubeError): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A failing error handler must not take the informer down with it.
    }
  }
}

function keyOf(obj: KubeObject): string {
  return objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
}
