/**
 * Per-project work lanes under one global concurrency limit.
 *
 * Each GitLab project has its own FIFO lane handled one key at a time
 * (GitLab serialises status updates per project+SHA anyway, and its rate
 * limits are per user), so a project that is slow or answering 429/5xx
 * pauses only its own lane while the others keep going.
 */

/** What handling a key asks for next. */
export type LaneResult =
  | { readonly kind: 'done' }
  /** Pause this project's lane and handle the key again; `afterMs` is GitLab's Retry-After, when sent. */
  | { readonly kind: 'retry'; readonly reason: 'locked' | 'unavailable'; readonly afterMs: number | null };

/** Backoff settings of {@link ProjectQueues}. */
export interface BackoffSettings {
  /** First pause after a 429/5xx/timeout. Default 500 ms. */
  readonly initialMs?: number;
  /** Longest pause (Retry-After may ask for more and is honoured). Default 5 min. */
  readonly maxMs?: number;
  /** Pause after a 409 lock (GitLab's lock lives ≤ 5 s). Default 250 ms, doubling to 5 s. */
  readonly lockedMs?: number;
}

/** Options of {@link ProjectQueues}. */
export interface ProjectQueuesOptions {
  /** Handles one key; a throw counts as `retry`/`unavailable` and is reported to `onError`. */
  readonly handle: (key: string) => Promise<LaneResult>;
  /** Keys handled at once across all projects. */
  readonly concurrency: number;
  readonly backoff?: BackoffSettings;
  readonly onError?: (key: string, error: unknown) => void;
  /** Told about every pause, for logs. */
  readonly onPause?: (project: string, key: string, delayMs: number, attempt: number) => void;
  /** Injected for tests; default `Math.random`. */
  readonly random?: () => number;
}

interface Lane {
  readonly project: string;
  readonly keys: string[];
  readonly queued: Set<string>;
  busy: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  attempt: number;
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random), at
 * least what `Retry-After` asked for (plus up to 10 % so a crowd of clients
 * told the same second does not return in lockstep).
 */
export function backoffDelay(attempt: number, retryAfterMs: number | null, settings: Required<BackoffSettings>, random: () => number, locked = false): number {
  const base = locked ? settings.lockedMs : settings.initialMs;
  const cap = locked ? Math.min(settings.maxMs, 5_000) : settings.maxMs;
  const exp = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + (random() * exp) / 2;
  if (retryAfterMs === null) return Math.round(jittered);
  return Math.round(Math.max(retryAfterMs * (1 + random() * 0.1), jittered));
}

/** De-duplicating per-project lanes; see the module comment. */
export class ProjectQueues {
  private readonly lanes = new Map<string, Lane>();
  /** Which lane a key is in, so a key added while being handled is handled again afterwards. */
  private readonly dirty = new Set<string>();
  private readonly active = new Set<string>();
  private readonly ready: Lane[] = [];
  private readonly settings: Required<BackoffSettings>;
  private readonly random: () => number;
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: ProjectQueuesOptions) {
    if (!(options.concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    this.settings = { initialMs: 500, maxMs: 300_000, lockedMs: 250, ...options.backoff };
    this.random = options.random ?? Math.random;
  }

  /** Queues `key` on `project`'s lane (once, however often it is added). */
  add(project: string, key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    const lane = this.laneOf(project);
    if (lane.queued.has(key)) return;
    lane.queued.add(key);
    lane.keys.push(key);
    this.markReady(lane);
    this.pump();
  }

  /** Keys waiting or being handled, and lanes paused by backoff. */
  stats(): { readonly queued: number; readonly active: number; readonly pausedLanes: number; readonly lanes: number } {
    let queued = 0;
    let paused = 0;
    for (const lane of this.lanes.values()) {
      queued += lane.keys.length;
      if (lane.timer !== undefined) paused += 1;
    }
    return { queued, active: this.active.size, pausedLanes: paused, lanes: this.lanes.size };
  }

  /** Resolves when nothing is queued, running or paused. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops handing out keys and cancels pauses; keys being handled finish. */
  stop(): void {
    this.stopped = true;
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    this.lanes.clear();
    this.ready.length = 0;
    this.notifyIdle();
  }

  private laneOf(project: string): Lane {
    let lane = this.lanes.get(project);
    if (!lane) {
      lane = { project, keys: [], queued: new Set(), busy: false, timer: undefined, attempt: 0 };
      this.lanes.set(project, lane);
    }
    return lane;
  }

  private markReady(lane: Lane): void {
    if (lane.busy || lane.timer !== undefined || lane.keys.length === 0 || this.ready.includes(lane)) return;
    this.ready.push(lane);
  }

  private pump(): void {
    while (!this.stopped && this.running < this.options.concurrency) {
      const lane = this.ready.shift();
      if (!lane) break;
      const key = lane.keys.shift();
      if (key === undefined) continue;
      lane.queued.delete(key);
      lane.busy = true;
      this.active.add(key);
      this.running += 1;
      void this.run(lane, key);
    }
    this.notifyIdle();
  }

  private async run(lane: Lane, key: string): Promise<void> {
    let result: LaneResult;
    try {
      result = await this.options.handle(key);
    } catch (error) {
      this.options.onError?.(key, error);
      result = { kind: 'retry', reason: 'unavailable', afterMs: null };
    }
    this.running -= 1;
    this.active.delete(key);
    lane.busy = false;
    if (this.stopped) return this.notifyIdle();
    const again = result.kind === 'retry' || this.dirty.has(key);
    this.dirty.delete(key);
    if (again && !lane.queued.has(key)) {
      // To the back: one delivery GitLab keeps failing must not starve its siblings.
      lane.queued.add(key);
      lane.keys.push(key);
    }
    if (result.kind === 'retry') {
      lane.attempt += 1;
      const delay = backoffDelay(lane.attempt, result.afterMs, this.settings, this.random, result.reason === 'locked');
      this.options.onPause?.(lane.project, key, delay, lane.attempt);
      lane.timer = setTimeout(() => {
        lane.timer = undefined;
        this.markReady(lane);
        this.pump();
      }, delay);
    } else {
      lane.attempt = 0;
      if (lane.keys.length === 0) this.lanes.delete(lane.project);
      else this.markReady(lane);
    }
    this.pump();
  }

  private isIdle(): boolean {
    if (this.stopped) return this.running === 0;
    return this.running === 0 && this.ready.length === 0 && [...this.lanes.values()].every((lane) => lane.keys.length === 0 && lane.timer === undefined);
  }

  private notifyIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
