/** What handling one key asks for next (a controller's reconcile result). */
export interface HandleResult {
  /** Handle the key again at this time (a deadline the facts cannot announce themselves). */
  readonly recheckAtMs?: number;
}

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Handles one key; a throw retries the key with exponential backoff. */
  readonly handle: (key: string) => Promise<HandleResult>;
  /** Keys handled at once. A key is never handled twice at the same time. */
  readonly workers: number;
  /** Told about each failure before its retry. */
  readonly onError?: (key: string, error: unknown, retryInMs: number) => void;
  /** Backoff of failing keys. Defaults: 200 ms doubling to 30 s. */
  readonly retry?: { readonly initialMs: number; readonly maxMs: number };
  readonly now?: () => number;
}

/**
 * A de-duplicating work queue in the manner of client-go's: a key added
 * while queued is queued once; a key added while being handled is handled
 * again afterwards (so no change is lost); failing keys back off
 * exponentially; `addAt` schedules a key for a deadline. Processing starts
 * with {@link start}, so nothing is handled before the caches are synced.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly failures = new Map<string, number>();
  private running = 0;
  private started = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: WorkQueueOptions) {}

  /** Starts handling keys. */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** Queues `key` now. */
  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Queues `key` at `atMs` (the earliest of several requests wins). */
  addAt(key: string, atMs: number): void {
    if (this.stopped) return;
    const now = (this.options.now ?? Date.now)();
    if (atMs <= now) return this.add(key);
    const existing = this.timers.get(key);
    if (existing && existing.at <= atMs) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, atMs - now);
    timer.unref?.();
    this.timers.set(key, { at: atMs, timer });
  }

  /** Keys waiting or being handled. */
  get depth(): number {
    return this.queued.size + this.active.size;
  }

  /** Resolves when nothing is queued or being handled (timers aside); for tests and the benchmark. */
  whenIdle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops taking keys and cancels timers; keys being handled finish. */
  stop(): void {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
  }

  private pump(): void {
    while (this.started && !this.stopped && this.running < this.options.workers && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.active.add(key);
      this.running++;
      void this.run(key);
    }
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  private async run(key: string): Promise<void> {
    try {
      const result = await this.options.handle(key);
      this.failures.delete(key);
      if (result.recheckAtMs !== undefined) this.addAt(key, result.recheckAtMs);
    } catch (error) {
      const attempt = this.failures.get(key) ?? 0;
      this.failures.set(key, attempt + 1);
      const { initialMs, maxMs } = this.options.retry ?? { initialMs: 200, maxMs: 30_000 };
      const delay = Math.min(maxMs, initialMs * 2 ** attempt);
      this.options.onError?.(key, error, delay);
      this.addAt(key, (this.options.now ?? Date.now)() + delay);
    } finally {
      this.active.delete(key);
      this.running--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }
}
