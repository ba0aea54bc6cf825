/** Options of {@link ReplayGuard}. */
export interface ReplayGuardOptions {
  /** Most ids remembered; the oldest are forgotten first. Default 100 000 (a few MB). */
  readonly maxEntries?: number;
  /** Clock in ms, injected for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Remembers the `webhook-id` of signed deliveries until their timestamp
 * leaves the accepted window, so the same signed message sent again within
 * the window is refused as a replay (after the window, the timestamp check
 * refuses it). Per process and bounded: a replica that restarted, another
 * replica, or more than `maxEntries` deliveries per window can let a copy
 * through — which then only finds the Delivery its deterministic name gives
 * and answers `duplicate`, so a replay can never start a second run.
 */
export class ReplayGuard {
  // A Map iterates in insertion order, which makes it a cheap FIFO for eviction.
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: ReplayGuardOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Claims `id` until `expiresAtMs`. Returns false when it was already
   * claimed and has not expired: a replay.
   */
  claim(id: string, expiresAtMs: number): boolean {
    const now = this.now();
    const existing = this.seen.get(id);
    if (existing !== undefined && existing > now) return false;
    this.seen.delete(id);
    this.seen.set(id, expiresAtMs);
    this.evict(now);
    return true;
  }

  /** Forgets `id`, e.g. when the delivery failed before it was acknowledged, so GitLab may send it again. */
  release(id: string): void {
    this.seen.delete(id);
  }

  /** How many ids are remembered. */
  get size(): number {
    return this.seen.size;
  }

  private evict(now: number): void {
    for (const [id, expiresAt] of this.seen) {
      if (this.seen.size <= this.maxEntries && expiresAt > now) break;
      this.seen.delete(id);
    }
  }
}
