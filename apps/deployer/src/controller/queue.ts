/** What handling one key asks for next. */
export interface HandleResult {
  /** Handle the key again at this time (a deadline no watch event announces, e.g. the end of a bake). */
  readonly recheckAtMs?: number | undefined;
}

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Handles one key; a throw retries it with exponential backoff. */
  readonly handle: (key: string) => Promise<HandleResult>;
  /** Keys handled at once; one key is never handled twice at the same time. */
  readonly workers: number;
  readonly onError?: (key: string, error: unknown, retryInMs: number) => void;
}

/**
 * A de-duplicating work queue in the manner of client-go's: a key added while
 * queued is queued once; a key added while being handled is handled again
 * afterwards (no change is lost); failures back off 200 ms doubling to 30 s;
 * `addAt` schedules a key for a deadline (the earliest request wins).
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

  constructor(private readonly options: WorkQueueOptions) {}

  /** Starts handling keys (after the caches synced). */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** Stops handling; keys being handled finish. */
  stop(): void {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
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

  /** Queues `key` at `atMs`. */
  addAt(key: string, atMs: number): void {
    if (this.stopped) return;
    const delay = atMs - Date.now();
    if (delay <= 0) return this.add(key);
    const existing = this.timers.get(key);
    if (existing && existing.at <= atMs) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delay);
    timer.unref?.();
    this.timers.set(key, { at: atMs, timer });
  }

  private pump(): void {
    while (this.started && !this.stopped && this.running < this.options.workers && this.queue.length > 0) {
      const key = this.queue.shift() as string;
      this.queued.delete(key);
      this.active.add(key);
      this.running++;
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    try {
      const result = await this.options.handle(key);
      this.failures.delete(key);
      if (result.recheckAtMs !== undefined) this.addAt(key, result.recheckAtMs);
    } catch (err) {
      const n = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, n);
      const retryInMs = Math.min(30_000, 200 * 2 ** (n - 1));
      this.options.onError?.(key, err, retryInMs);
      this.addAt(key, Date.now() + retryInMs);
    } finally {
      this.active.delete(key);
      this.running--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
    }
  }
}
