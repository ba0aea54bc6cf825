import { retryDelay, type BackoffOptions } from '../backoff.js';

/** What handling one key asks for next (a controller's reconcile result). */
export interface HandleResult {
  /** Handle the key again at this time (a deadline the facts cannot announce themselves). */
  readonly recheckAtMs?: number;
  /**
   * Handle the key again after a backoff; its lane pauses meanwhile. `afterMs`
   * is the other side's `Retry-After`, when it sent one (the pause is at least that).
   */
  readonly retry?: { readonly reason: string; readonly afterMs: number | null };
}

/** Options of {@link KeyedQueue}. */
export interface KeyedQueueOptions {
  /** Handles one key; a throw counts as `retry` (reason `error`) and is reported to `onError`. */
  readonly handle: (key: string) => Promise<HandleResult>;
  /** Keys handled at once, across lanes. */
  readonly concurrency: number;
  /**
   * The lane of a key: keys of one lane are handled one at a time, in the
   * order they were queued, and a retry pauses the whole lane. Default: each
   * key is its own lane.
   */
  readonly laneOf?: (key: string) => string;
  /** Backoff of retried keys ({@link retryDelay}). Defaults: 500 ms doubling to 30 s, half jittered. */
  readonly backoff?: BackoffOptions;
  /** True for errors that mean "stop handling this key" (e.g. `Fenced`): not retried, not reported. */
  readonly isStop?: (error: unknown) => boolean;
  readonly onError?: (key: string, error: unknown) => void;
  /** Told about every pause of a lane, for logs. */
  readonly onRetry?: (key: string, lane: string, delayMs: number, attempt: number, reason: string) => void;
  readonly now?: () => number;
  readonly random?: () => number;
}

interface Lane {
  readonly name: string;
  readonly keys: string[];
  busy: boolean;
  pause: ReturnType<typeof setTimeout> | undefined;
  attempt: number;
}

/**
 * A de-duplicating work queue in the manner of client-go's, with lanes: a key
 * added while queued is queued once; a key added while being handled is
 * handled again afterwards (no change is lost); a key is never handled twice
 * at once; keys of one lane go one at a time, in order; lanes run in parallel
 * up to `concurrency`; a retry pauses only its lane, with one backoff formula
 * that honours a `Retry-After` hint; `addAt` schedules a key for a deadline.
 * Nothing is handled before {@link start}.
 */
export class KeyedQueue {
  private readonly lanes = new Map<string, Lane>();
  private readonly laneOfKey = new Map<string, Lane>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly ready: Lane[] = [];
  private running = 0;
  private started = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];

  constructor(private readonly options: KeyedQueueOptions) {
    if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
  }

  /** Starts handing out keys. */
  start(): void {
    this.started = true;
    this.pump();
  }

  /** Queues `key` now (once, however often it is added). */
  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.laneOfKey.has(key)) return;
    const name = this.options.laneOf?.(key) ?? key;
    let lane = this.lanes.get(name);
    if (!lane) {
      lane = { name, keys: [], busy: false, pause: undefined, attempt: 0 };
      this.lanes.set(name, lane);
    }
    lane.keys.push(key);
    this.laneOfKey.set(key, lane);
    this.markReady(lane);
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

  /** Keys waiting or being handled, and lanes paused by a retry. */
  stats(): { readonly queued: number; readonly active: number; readonly pausedLanes: number; readonly lanes: number } {
    let paused = 0;
    for (const lane of this.lanes.values()) if (lane.pause !== undefined) paused += 1;
    return { queued: this.laneOfKey.size, active: this.active.size, pausedLanes: paused, lanes: this.lanes.size };
  }

  /** Resolves when nothing is queued, handled or paused by a retry (deadline timers aside). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops handing out keys and cancels timers and pauses; keys being handled finish (see {@link drained}). */
  stop(): void {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const lane of this.lanes.values()) clearTimeout(lane.pause);
    this.lanes.clear();
    this.laneOfKey.clear();
    this.ready.length = 0;
    this.settle();
  }

  /** Resolves once no key is being handled. */
  drained(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private markReady(lane: Lane): void {
    if (lane.busy || lane.pause !== undefined || lane.keys.length === 0 || this.ready.includes(lane)) return;
    this.ready.push(lane);
  }

  private pump(): void {
    while (this.started && !this.stopped && this.running < this.options.concurrency) {
      const lane = this.ready.shift();
      if (!lane) break;
      const key = lane.keys.shift();
      if (key === undefined) continue;
      this.laneOfKey.delete(key);
      lane.busy = true;
      this.active.add(key);
      this.running += 1;
      void this.run(lane, key);
    }
    this.settle();
  }

  private async run(lane: Lane, key: string): Promise<void> {
    let result: HandleResult;
    try {
      result = await this.options.handle(key);
    } catch (error) {
      if (this.options.isStop?.(error)) result = {};
      else {
        this.options.onError?.(key, error);
        result = { retry: { reason: 'error', afterMs: null } };
      }
    }
    this.running -= 1;
    this.active.delete(key);
    lane.busy = false;
    const again = this.dirty.delete(key);
    if (this.stopped) return this.settle();
    if (result.retry) {
      // To the back of its lane: one key that keeps failing must not starve its siblings.
      this.requeue(lane, key);
      const delay = retryDelay(lane.attempt, result.retry.afterMs, this.options.backoff, this.options.random);
      lane.attempt += 1;
      this.options.onRetry?.(key, lane.name, delay, lane.attempt, result.retry.reason);
      lane.pause = setTimeout(() => {
        lane.pause = undefined;
        this.markReady(lane);
        this.pump();
      }, delay);
      lane.pause.unref?.();
    } else {
      lane.attempt = 0;
      if (again) this.requeue(lane, key);
      if (result.recheckAtMs !== undefined) this.addAt(key, result.recheckAtMs);
      if (lane.keys.length === 0 && this.lanes.get(lane.name) === lane) this.lanes.delete(lane.name);
      else this.markReady(lane);
    }
    this.pump();
  }

  private requeue(lane: Lane, key: string): void {
    if (this.laneOfKey.has(key)) return;
    if (this.lanes.get(lane.name) !== lane) this.lanes.set(lane.name, lane);
    lane.keys.push(key);
    this.laneOfKey.set(key, lane);
  }

  private isIdle(): boolean {
    if (this.stopped) return this.running === 0;
    return this.running === 0 && this.laneOfKey.size === 0 && [...this.lanes.values()].every((l) => l.pause === undefined);
  }

  private settle(): void {
    if (this.running === 0 && this.drainWaiters.length > 0) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      waiters.forEach((w) => w());
    }
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }
}
