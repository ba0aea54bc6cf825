/**
 * The pure part of leader election, as client-go's leaderelection does it:
 * given the Lease as read, the clock and what this replica believes, what to
 * do next. No I/O here; see `elector.ts` for the loop that acts on it.
 */

/** The spec fields of a coordination.k8s.io/v1 Lease the elector reads and writes. */
export interface LeaseSpec {
  readonly holderIdentity?: string | null;
  readonly leaseDurationSeconds?: number | null;
  /** MicroTime: RFC 3339 with microseconds. */
  readonly acquireTime?: string | null;
  readonly renewTime?: string | null;
  readonly leaseTransitions?: number | null;
}

/** The three durations of an election, in milliseconds. */
export interface LeaderTiming {
  /** How long a Lease stays valid after its last renewal: a standby waits this long before taking it. */
  readonly leaseDurationMs: number;
  /** The leader steps down (and stops writing) when it could not renew for this long. Less than the lease duration. */
  readonly renewDeadlineMs: number;
  /** How often the leader renews and a standby tries to acquire. Less than the renew deadline. */
  readonly retryPeriodMs: number;
}

/** What this replica believes about its own leadership. */
export interface LeaderBelief {
  /** When this replica's last successful renewal (or acquisition) was sent; `undefined` when not leading. */
  readonly renewedAtMs: number | undefined;
}

/** The next step of the election loop. */
export type LeaderDecision =
  /** No Lease exists: create it, held by us. */
  | { readonly kind: 'create' }
  /** The Lease is free or expired: take it with a resourceVersion-conditional write (a Conflict means we lost the race). */
  | { readonly kind: 'acquire'; readonly previousHolder: string }
  /** We hold it: renew it. */
  | { readonly kind: 'renew' }
  /** Someone else holds a valid Lease: try again later. */
  | { readonly kind: 'wait'; readonly holder: string; readonly expiresAtMs: number }
  /** We believed we led, but the Lease is someone else's or our renewals failed past the renew deadline: stop at once. */
  | { readonly kind: 'step-down'; readonly reason: 'lost' | 'renew-deadline' };

/** When the Lease expires: `renewTime + leaseDurationSeconds`; `0` (long expired) when either is missing. */
export function leaseExpiresAtMs(spec: LeaseSpec | undefined): number {
  const renewed = Date.parse(spec?.renewTime ?? '');
  const seconds = spec?.leaseDurationSeconds;
  if (Number.isNaN(renewed) || typeof seconds !== 'number') return 0;
  return renewed + seconds * 1000;
}

/** Whether a leader whose last renewal was sent at `renewedAtMs` has missed its renew deadline at `nowMs`. */
export function missedRenewDeadline(belief: LeaderBelief, nowMs: number, timing: LeaderTiming): boolean {
  return belief.renewedAtMs !== undefined && nowMs - belief.renewedAtMs >= timing.renewDeadlineMs;
}

/**
 * Decides the next step from the Lease as read (`undefined`: none exists),
 * `nowMs`, this replica's `identity` and belief. A free Lease has an empty
 * holder (released); an expired one has `renewTime + leaseDurationSeconds < now`.
 * `renewTime` is the leader's clock: replicas' clocks must agree to well within
 * `leaseDuration − renewDeadline` (NTP does; the default margin is 5 s).
 */
export function decideLeader(lease: LeaseSpec | undefined | null, identity: string, nowMs: number, belief: LeaderBelief, timing: LeaderTiming): LeaderDecision {
  const leading = belief.renewedAtMs !== undefined;
  if (leading && missedRenewDeadline(belief, nowMs, timing)) return { kind: 'step-down', reason: 'renew-deadline' };
  if (lease === undefined || lease === null) return leading ? { kind: 'step-down', reason: 'lost' } : { kind: 'create' };
  const holder = lease.holderIdentity ?? '';
  if (holder === identity) return { kind: 'renew' };
  if (leading) return { kind: 'step-down', reason: 'lost' };
  const expiresAtMs = leaseExpiresAtMs(lease);
  if (holder === '' || expiresAtMs < nowMs) return { kind: 'acquire', previousHolder: holder };
  return { kind: 'wait', holder, expiresAtMs };
}

/**
 * The fence: may a replica that last renewed at `renewedAtMs` still write at
 * `nowMs`? Only while its Lease stays valid for at least `leaseDuration −
 * renewDeadline` more, which is exactly until its renew deadline: so a leader
 * that cannot renew stops writing before any standby may take the Lease.
 */
export function mayWrite(belief: LeaderBelief, nowMs: number, timing: LeaderTiming): boolean {
  return belief.renewedAtMs !== undefined && !missedRenewDeadline(belief, nowMs, timing);
}

/** Checks the documented invariants; returns one message per violation (empty: valid). */
export function timingProblems(timing: LeaderTiming): string[] {
  const problems: string[] = [];
  if (!(timing.renewDeadlineMs < timing.leaseDurationMs)) {
    problems.push(`the renew deadline (${timing.renewDeadlineMs} ms) must be shorter than the lease duration (${timing.leaseDurationMs} ms), or a standby could take the Lease while the leader still writes`);
  }
  if (!(timing.retryPeriodMs < timing.renewDeadlineMs)) {
    problems.push(`the retry period (${timing.retryPeriodMs} ms) must be shorter than the renew deadline (${timing.renewDeadlineMs} ms), or the leader cannot renew in time`);
  }
  return problems;
}

/** Kubernetes MicroTime (RFC 3339 with microseconds). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}
