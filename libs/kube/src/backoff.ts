/** How reconnect and retry delays grow. */
export interface BackoffOptions {
  /** Delay ceiling before jitter for the first retry. Default 500 ms. */
  readonly initialMs?: number;
  /** Ceiling no delay exceeds. Default 30 s. */
  readonly maxMs?: number;
  /** Growth per attempt. Default 2. */
  readonly factor?: number;
  /**
   * Fraction of the delay that is randomised, 0..1. Default 0.5: a delay lands
   * in [base × 0.5, base]. Jitter keeps many replicas that lost the apiserver
   * at the same moment from reconnecting in lockstep.
   */
  readonly jitter?: number;
}

const DEFAULTS = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.5 } as const;

/**
 * The delay before retry number `attempt` (0-based): exponential growth capped
 * at `maxMs`, then reduced by a random share of up to `jitter`. Pure when
 * `random` is given.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { initialMs, maxMs, factor, jitter } = { ...DEFAULTS, ...options };
  const j = Math.min(Math.max(jitter, 0), 1);
  // Clamp the exponent so a long outage cannot overflow to Infinity.
  const base = Math.min(maxMs, initialMs * factor ** Math.min(Math.max(attempt, 0), 64));
  return Math.round(base * (1 - j * random()));
}

/**
 * The delay before retry number `attempt` when the other side may have said
 * how long to wait (HTTP `Retry-After`): the {@link backoffDelay}, but never
 * less than the hint, plus up to 10 % of it so a crowd of clients told the
 * same second does not return in lockstep. The one retry formula of the
 * controller runtime.
 */
export function retryDelay(attempt: number, retryAfterMs: number | null | undefined, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const backoff = backoffDelay(attempt, options, random);
  if (retryAfterMs === null || retryAfterMs === undefined) return backoff;
  return Math.round(Math.max(retryAfterMs * (1 + random() * 0.1), backoff));
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
