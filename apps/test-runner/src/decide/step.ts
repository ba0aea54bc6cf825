import type { Application, Delivery, DeliveryStatus } from '@sluice/delivery';
import { findStage, isTerminal } from '@sluice/delivery';
import type { JobKind } from '../jobs/names.js';
import { jobName } from '../jobs/names.js';
import type { EventFacts, JobFacts, PodFacts } from './facts.js';
import { isJobFinished } from './facts.js';
import type { JobOutcome, OutcomeLimits } from './job-outcome.js';
import { decideJobOutcome } from './job-outcome.js';
import { currentStatus, noteStageMessage, notePendingMessage, startJobStage, withPlannedStages } from './status.js';

/** Everything the runner knows about one Delivery at one moment. */
export interface Snapshot {
  readonly delivery: Delivery;
  /** The Delivery's Application: parsed, absent, or invalid (with its problems). */
  readonly application: { readonly kind: 'found'; readonly value: Application } | { readonly kind: 'missing' } | { readonly kind: 'invalid'; readonly problems: string };
  readonly jobs: Readonly<Partial<Record<JobKind, JobFacts>>>;
  readonly pods: Readonly<Partial<Record<JobKind, readonly PodFacts[]>>>;
  /** FailedCreate events in the test namespace. */
  readonly events: readonly EventFacts[];
  /** Jobs this runner created that the Job informer has not shown yet (so absence is lag, not loss). */
  readonly jobsInFlight?: readonly JobKind[];
  /** The quota message of the last refused create of this Delivery's Job, if the Job object itself was refused. */
  readonly createRefused?: string;
  /** Whether a Job slot is free for this Delivery and it is next in line. */
  readonly admitted: boolean;
  /** When not admitted: why it waits (see `waitingReason`), recorded on the pending test stage. */
  readonly waiting?: string;
  readonly nowMs: number;
  readonly limits: OutcomeLimits;
}

/** The one next thing to do for a Delivery, decided by {@link decideStep}. */
export type Step =
  /** Nothing to do now; an informer event or `recheckAtMs` brings the Delivery back. */
  | { readonly kind: 'wait'; readonly why: string; readonly recheckAtMs?: number }
  /** Nothing left for the runner to do, ever. */
  | { readonly kind: 'done'; readonly why: string }
  | { readonly kind: 'deleteJobs'; readonly names: readonly string[]; readonly why: string }
  | { readonly kind: 'writeStatus'; readonly status: DeliveryStatus; readonly why: string }
  | { readonly kind: 'createJob'; readonly job: JobKind }
  | { readonly kind: 'finishStage'; readonly job: JobKind; readonly outcome: Exclude<JobOutcome, { kind: 'running' }> };

function liveJobs(snapshot: Snapshot, all: boolean): string[] {
  return (['test', 'build'] as const)
    .map((kind) => snapshot.jobs[kind])
    .filter((job): job is JobFacts => job !== undefined && job.metadata.deletionTimestamp === undefined && (all || !isJobFinished(job)))
    .map((job) => job.metadata.name ?? '');
}

/**
 * A build may only record an image of its Application's own repository
 * (`spec.build.repository`): a digest reported for any other is never what
 * the deployer runs — the stage fails `NotOwned` instead.
 */
function ofOwnRepository(outcome: Exclude<JobOutcome, { kind: 'running' }>, snapshot: Snapshot): Exclude<JobOutcome, { kind: 'running' }> {
  if (outcome.kind !== 'succeeded' || outcome.image === undefined || snapshot.application.kind !== 'found') return outcome;
  const repository = snapshot.application.value.spec.build.repository;
  if (outcome.image.slice(0, outcome.image.lastIndexOf('@')) === repository) return outcome;
  const { image, kind: _succeeded, testSummary: _none, ...rest } = outcome;
  return { ...rest, kind: 'failed', reason: 'NotOwned', message: `the build reported ${image}, which is not of the Application's repository ${repository}; not recorded`, stopJob: false };
}

/** Follows the running stage `kind`: ensure its Job, read its outcome. */
function followStage(snapshot: Snapshot, status: DeliveryStatus, kind: JobKind): Step {
  const job = snapshot.jobs[kind];
  if (!job) {
    if (snapshot.jobsInFlight?.includes(kind)) return { kind: 'wait', why: `${kind} Job created; waiting for the watch to show it` };
    const startedAt = Date.parse(findStage(status, { name: kind })?.startedAt ?? '');
    const deadline = (Number.isNaN(startedAt) ? snapshot.nowMs : startedAt) + snapshot.limits.quotaWaitMs;
    if (snapshot.createRefused !== undefined && snapshot.nowMs >= deadline) {
      const message = `Job refused by quota: ${snapshot.createRefused}`;
      return { kind: 'finishStage', job: kind, outcome: { kind: 'failed', reason: 'QuotaExceeded', message, durations: {}, stopJob: false } };
    }
    return { kind: 'createJob', job: kind };
  }
  if (job.metadata.deletionTimestamp !== undefined) {
    // Someone deleted our Job mid-run; once it is gone it is made again.
    return { kind: 'wait', why: `${kind} Job is being deleted` };
  }
  const outcome = decideJobOutcome(kind, job, snapshot.pods[kind] ?? [], snapshot.events, snapshot.nowMs, snapshot.limits);
  if (outcome.kind !== 'running') return { kind: 'finishStage', job: kind, outcome: ofOwnRepository(outcome, snapshot) };
  if (outcome.blocker) {
    const noted = noteStageMessage(status, kind, `waiting: ${outcome.blocker.message}`);
    if (noted) return { kind: 'writeStatus', status: noted, why: `${kind} Job blocked (${outcome.blocker.reason})` };
    return { kind: 'wait', why: `${kind} Job blocked (${outcome.blocker.reason})`, recheckAtMs: outcome.blocker.deadlineMs };
  }
  if (outcome.recheckAtMs !== undefined) return { kind: 'wait', why: `${kind} Job complete; waiting for its pod's end to reach the cache`, recheckAtMs: outcome.recheckAtMs };
  return { kind: 'wait', why: `${kind} Job running` };
}

/**
 * The next step for one Delivery, as a pure function of what the cluster
 * says. Called again after every step, so each step is small and every one
 * of them is safe to repeat after a crash:
 *
 * 1. Superseded or Canceled → delete its Jobs (pods go with them).
 * 2. Any other end → delete Jobs that still run (e.g. a quota-blocked Job), then done.
 * 3. Past the runner's part (Deploying, Verifying) → done.
 * 4. Application missing → wait; invalid → wait too (a fix to it re-triggers).
 * 5. Stages not planned → plan them (in the same write as 6 when a slot is free).
 * 6. Test pending → wait for a slot (why it waits recorded on the stage); when admitted, mark it running (the Job comes next).
 * 7. Test running → create its Job if absent, else follow it to its end and record it.
 * 8. Build pending (test succeeded) → mark it running; then as 7.
 */
export function decideStep(snapshot: Snapshot): Step {
  const { delivery } = snapshot;
  const status = currentStatus(delivery);
  if (status.phase === 'Superseded' || status.phase === 'Canceled') {
    const names = liveJobs(snapshot, true);
    return names.length > 0 ? { kind: 'deleteJobs', names, why: `delivery ${status.phase}` } : { kind: 'done', why: `delivery ${status.phase}` };
  }
  if (isTerminal(status.phase)) {
    const names = liveJobs(snapshot, false);
    return names.length > 0 ? { kind: 'deleteJobs', names, why: `delivery ended as ${status.phase}` } : { kind: 'done', why: `delivery ended as ${status.phase}` };
  }
  if (status.phase !== 'Pending' && status.phase !== 'Testing' && status.phase !== 'Building') {
    return { kind: 'done', why: `delivery is ${status.phase}` };
  }
  if (snapshot.application.kind === 'missing') return { kind: 'wait', why: `Application ${delivery.spec.application} not found` };
  if (snapshot.application.kind === 'invalid') return { kind: 'wait', why: `Application ${delivery.spec.application} is invalid: ${snapshot.application.problems}` };
  // Planning and starting share one write when a slot is free: one round trip less before the Job exists.
  const planned = withPlannedStages(status, delivery);
  const plan: Step = { kind: 'writeStatus', status: planned, why: 'plan stages' };

  const now = new Date(snapshot.nowMs);
  for (const kind of ['test', 'build'] as const) {
    const stage = findStage(planned, { name: kind });
    if (stage === undefined) continue;
    if (stage.state === 'running') return followStage(snapshot, planned, kind);
    if (stage.state !== 'pending') continue;
    if (kind === 'test' && !snapshot.admitted) {
      const why = snapshot.waiting ?? 'waiting for a free Job slot';
      const noted = snapshot.waiting === undefined ? undefined : notePendingMessage(planned, kind, snapshot.waiting);
      if (noted) return { kind: 'writeStatus', status: noted, why };
      return planned !== status ? plan : { kind: 'wait', why };
    }
    const started = startJobStage(planned, kind, jobName(delivery.metadata.name, kind), now);
    if (!started.ok) return { kind: 'wait', why: started.refused };
    return { kind: 'writeStatus', status: started.status, why: `start ${kind}` };
  }
  if (planned !== status) return plan;
  return { kind: 'done', why: 'runner stages finished' };
}
