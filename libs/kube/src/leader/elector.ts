import type { KubeClient } from '../client.js';
import { decideLeader, mayWrite, microTime, timingProblems, type LeaderTiming } from './decide.js';
import { createLease, readLease, writeLease, type LeaseRef } from './lease.js';

/** The few log calls the elector makes (a pino logger fits). */
export interface ElectionLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Options of {@link LeaderElector}. */
export interface LeaderElectorOptions {
  /**
   * Reads and writes the Lease (never a fenced client). Give it a request
   * timeout below the renew deadline, so a hung request cannot hold the loop.
   */
  readonly client: KubeClient;
  /** The Lease, e.g. `{ namespace: 'sluice-system', name: leaseNameOf('deployer') }`. */
  readonly lease: LeaseRef;
  /** This replica's holder identity (the pod name). */
  readonly identity: string;
  readonly timing: LeaderTiming;
  readonly logger?: ElectionLogger;
  readonly now?: () => number;
}

/** Where this replica stands. */
export type LeaderRole = 'standby' | 'leader' | 'lost' | 'released';

/** The Lease name of one service's election: `sluice-<service>-leader`. */
export function leaderLeaseName(service: string): string {
  return `sluice-${service}-leader`;
}

/** How long after the holder's Lease expires a standby tries to take it (see the standby's schedule). */
const EXPIRY_MARGIN_MS = 25;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's
 * semantics: a standby tries every retry period (or just after the holder's
 * Lease expires, when sooner) and takes the Lease when it is free or expired (resourceVersion-conditional, so of two racers one
 * wins); the leader renews every retry period and steps down when no renewal
 * succeeded within the renew deadline. Leadership is never regained: a replica
 * that lost it reports `lost` once (see {@link onLost}) and stays out, so its
 * process can exit and come back as a fresh standby. {@link release} hands the
 * Lease over at once on shutdown (client-go's ReleaseOnCancel).
 */
export class LeaderElector {
  private renewedAtMs: number | undefined;
  private role: LeaderRole = 'standby';
  private holder: string | undefined;
  /** When the other holder's Lease expires, as last read; `undefined` unless the last try found it held. */
  private holderExpiresAtMs: number | undefined;
  private running = false;
  private loopTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private tickInFlight: Promise<void> | undefined;
  private leadingWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];
  private readonly lostListeners: ((reason: string) => void)[] = [];
  private readonly now: () => number;

  constructor(private readonly options: LeaderElectorOptions) {
    const problems = timingProblems(options.timing);
    if (problems.length > 0) throw new RangeError(problems.join('; '));
    if (!options.identity) throw new TypeError('LeaderElector needs an identity, e.g. the pod name');
    this.now = options.now ?? Date.now;
  }

  /** Starts trying to acquire (then renewing) the Lease. */
  start(): void {
    if (this.running || this.role !== 'standby') return;
    this.running = true;
    this.schedule(0);
  }

  /** Resolves once this replica leads; rejects if it stops before that. */
  whenLeading(): Promise<void> {
    if (this.role === 'leader') return Promise.resolve();
    if (this.role !== 'standby') return Promise.reject(new Error(`leader election ended (${this.role}) before this replica led`));
    return new Promise((resolve, reject) => this.leadingWaiters.push({ resolve, reject }));
  }

  /** Called once when this replica stops leading without {@link release} (renew deadline missed, or the Lease taken). */
  onLost(listener: (reason: string) => void): void {
    this.lostListeners.push(listener);
  }

  /** `standby`, `leader`, `lost` or `released`. */
  currentRole(): LeaderRole {
    return this.role;
  }

  /** The holder last seen on the Lease (ours when leading). */
  observedHolder(): string | undefined {
    return this.holder;
  }

  /** The fence: true only while this replica leads and its last renewal is within the renew deadline. */
  mayWrite(): boolean {
    return this.role === 'leader' && mayWrite({ renewedAtMs: this.renewedAtMs }, this.now(), this.options.timing);
  }

  /**
   * Stops the loop. A leader closes its fence first, then gives the Lease up
   * (empty holder, 1 s duration) so a standby takes over at its next try
   * instead of waiting out the lease duration. Never throws.
   */
  async release(): Promise<void> {
    const wasLeader = this.role === 'leader';
    this.running = false;
    clearTimeout(this.loopTimer);
    clearTimeout(this.deadlineTimer);
    this.renewedAtMs = undefined;
    this.role = 'released';
    this.rejectWaiters('released');
    if (!wasLeader) return;
    // A renewal in flight must not overwrite the release; a hung one must not hold shutdown.
    await Promise.race([this.tickInFlight?.catch(() => undefined), new Promise((r) => setTimeout(r, this.options.timing.retryPeriodMs).unref?.())]);
    try {
      const lease = await readLease(this.options.client, this.options.lease);
      if (lease?.spec?.holderIdentity !== this.options.identity) return;
      const now = microTime(this.now());
      await writeLease(this.options.client, lease, { holderIdentity: null, leaseDurationSeconds: 1, renewTime: now, acquireTime: now });
      this.options.logger?.info({ lease: this.options.lease.name }, 'leader lease released');
    } catch (err) {
      this.options.logger?.warn({ lease: this.options.lease.name, err: String(err) }, 'could not release the leader lease; the standby takes over when it expires');
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.loopTimer = setTimeout(() => {
      this.tickInFlight = this.tick().finally(() => {
        this.tickInFlight = undefined;
        const period = this.options.timing.retryPeriodMs;
        if (this.role === 'leader') return this.schedule(period);
        // A standby spreads its tries (client-go's jitter 1.2) so replicas started together do not race in lockstep,
        // but tries again just after the holder's Lease expires when that comes sooner: a crashed leader is
        // replaced within the lease duration (plus a request), not the lease duration plus a retry period.
        const jittered = period * (1 + 0.2 * Math.random());
        const untilExpiry = this.holderExpiresAtMs === undefined ? jittered : this.holderExpiresAtMs - this.now() + EXPIRY_MARGIN_MS;
        this.schedule(Math.max(EXPIRY_MARGIN_MS, Math.min(jittered, untilExpiry)));
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    const { client, lease: at, identity, timing, logger } = this.options;
    const seconds = Math.ceil(timing.leaseDurationMs / 1000);
    this.holderExpiresAtMs = undefined;
    try {
      const lease = await readLease(client, at);
      if (!this.running) return;
      const decision = decideLeader(lease?.spec, identity, this.now(), { renewedAtMs: this.renewedAtMs }, timing);
      const sentAt = this.now();
      const now = microTime(sentAt);
      switch (decision.kind) {
        case 'create':
          if (await createLease(client, at, identity, seconds, sentAt)) this.renewed(sentAt);
          return;
        case 'acquire': {
          // As client-go counts them: every change of holder, a released Lease's included.
          const transitions = (lease?.spec?.leaseTransitions ?? 0) + 1;
          const spec = { holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: now, renewTime: now, leaseTransitions: transitions };
          if (lease && (await writeLease(client, lease, spec))) this.renewed(sentAt, decision.previousHolder);
          return;
        }
        case 'renew':
          if (lease && (await writeLease(client, lease, { holderIdentity: identity, leaseDurationSeconds: seconds, renewTime: now }))) this.renewed(sentAt);
          return;
        case 'wait':
          if (this.holder !== decision.holder) logger?.info({ lease: at.name, holder: decision.holder, identity }, 'standby: another replica leads');
          this.holder = decision.holder;
          this.holderExpiresAtMs = decision.expiresAtMs;
          return;
        case 'step-down':
          return this.stepDown(decision.reason);
      }
    } catch (err) {
      logger?.warn({ lease: at.name, identity, err: String(err) }, 'leader election: could not read or write the lease; retrying');
    }
  }

  private renewed(sentAtMs: number, previousHolder?: string): void {
    if (!this.running) return;
    this.renewedAtMs = sentAtMs;
    this.holder = this.options.identity;
    clearTimeout(this.deadlineTimer);
    // Step down exactly at the deadline, even if a request hangs.
    this.deadlineTimer = setTimeout(() => {
      if (this.renewedAtMs === sentAtMs) this.stepDown('renew-deadline');
    }, this.options.timing.renewDeadlineMs);
    if (this.role === 'leader') return;
    this.role = 'leader';
    this.options.logger?.info({ lease: this.options.lease.name, identity: this.options.identity, previousHolder }, 'became leader');
    const waiters = this.leadingWaiters;
    this.leadingWaiters = [];
    waiters.forEach((w) => w.resolve());
  }

  private stepDown(reason: string): void {
    if (this.role !== 'leader') return;
    this.renewedAtMs = undefined;
    this.role = 'lost';
    this.running = false;
    clearTimeout(this.loopTimer);
    clearTimeout(this.deadlineTimer);
    this.options.logger?.warn({ lease: this.options.lease.name, identity: this.options.identity, reason }, 'lost leadership; stopped writing');
    for (const listener of this.lostListeners) listener(reason);
  }

  private rejectWaiters(why: string): void {
    const waiters = this.leadingWaiters;
    this.leadingWaiters = [];
    waiters.forEach((w) => w.reject(new Error(`leader election ended (${why}) before this replica led`)));
  }
}

