import type { Delivery, DeliveryStatus, StageName } from '@sluice/delivery';
import { advancePhase, closeOpenStages, findStage, finishStage, isTerminal, plannedEnvironments, plannedStages, startStage } from '@sluice/delivery';
import type { JobKind } from '../jobs/names.js';
import type { JobOutcome } from './job-outcome.js';
import { formatDurations } from './job-outcome.js';

/** Outcome of the status helpers: the new status, or why the change is refused (e.g. someone else finished the stage). */
export type StatusChange = { readonly ok: true; readonly status: DeliveryStatus } | { readonly ok: false; readonly refused: string };

/** The status a Delivery has, with the schema's defaults when it has none yet. */
export function currentStatus(delivery: Delivery): DeliveryStatus {
  return delivery.status ?? { phase: 'Pending', stages: [], posted: {} };
}

/**
 * The stages a Delivery needs when no controller wrote them yet: test, build
 * when it deploys somewhere, one deploy per environment the gateway planned
 * (`plannedEnvironments`, decided once at intake). Statuses that already have
 * stages are kept.
 */
export function withPlannedStages(status: DeliveryStatus, delivery: Delivery): DeliveryStatus {
  if (status.stages.length > 0) return status;
  return { ...status, stages: plannedStages({ environments: plannedEnvironments(delivery) }) };
}

/** Marks `kind`'s stage running (Job name recorded; a waiting message dropped) and moves the phase to Testing or Building. */
export function startJobStage(status: DeliveryStatus, kind: JobKind, jobName: string, now: Date): StatusChange {
  const pending = findStage(status, { name: kind });
  const unnoted = pending?.state === 'pending' && pending.message !== undefined ? { ...status, stages: status.stages.map((s) => (s === pending ? withoutMessage(s) : s)) } : status;
  const started = startStage(unnoted, { name: kind }, { now, jobName });
  if (!started.ok) return { ok: false, refused: started.error.message };
  const phase = kind === 'test' ? 'Testing' : 'Building';
  const moved = advancePhase(started.status, phase);
  if (moved.ok) return { ok: true, status: moved.status };
  return moved.error.code === 'unchanged' ? { ok: true, status: started.status } : { ok: false, refused: moved.error.message };
}

/** Records a blocker's message on a running stage (e.g. "waiting for quota"), so people see why nothing moves. */
export function noteStageMessage(status: DeliveryStatus, kind: JobKind, message: string): DeliveryStatus | undefined {
  const stage = findStage(status, { name: kind });
  if (!stage || stage.state !== 'running' || stage.message === message) return undefined;
  return { ...status, stages: status.stages.map((s) => (s === stage ? { ...s, message } : s)) };
}

/** Records why a pending stage waits (e.g. for a test slot); undefined when it says that already. */
export function notePendingMessage(status: DeliveryStatus, kind: JobKind, message: string): DeliveryStatus | undefined {
  const stage = findStage(status, { name: kind });
  if (!stage || stage.state !== 'pending' || stage.message === message) return undefined;
  return { ...status, stages: status.stages.map((s) => (s === stage ? { ...s, message } : s)) };
}

function withoutMessage<T extends { message?: string }>(stage: T): T {
  const { message: _dropped, ...rest } = stage;
  return rest as T;
}

function hasStage(status: DeliveryStatus, name: StageName): boolean {
  return status.stages.some((s) => s.name === name);
}

/**
 * Records how `kind`'s Job ended: the stage's state, reason, message (with
 * step durations), exit code, log tail and test summary; then the phase.
 * A failure fails the Delivery and skips every later stage. A success with
 * nothing left for the runner or the deployer ends it as Passed; with a
 * build stage still to run, or deploy stages for the deployer, the phase
 * stays as it is (Testing / Building) for the next step.
 */
export function finishJobStage(
  status: DeliveryStatus,
  kind: JobKind,
  outcome: Exclude<JobOutcome, { kind: 'running' }>,
  logTail: string | undefined,
  now: Date,
): StatusChange {
  const durations = formatDurations(outcome.durations);
  const message = durations === '' ? outcome.message : `${outcome.message} (${durations})`;
  const details = {
    message,
    ...(outcome.exitCode !== undefined && { exitCode: outcome.exitCode }),
    ...(logTail !== undefined && logTail !== '' && { logTail }),
    ...(outcome.testSummary && { testSummary: outcome.testSummary }),
  };
  const finished =
    outcome.kind === 'succeeded'
      ? finishStage(status, { name: kind }, { state: 'succeeded', ...details }, now)
      : finishStage(status, { name: kind }, { state: 'failed', reason: outcome.reason, ...details }, now);
  if (!finished.ok) return { ok: false, refused: finished.error.message };
  let next = outcome.kind === 'succeeded' && outcome.image !== undefined ? { ...finished.status, image: outcome.image } : finished.status;
  if (outcome.kind === 'failed') {
    next = closeOpenStages(next, { state: 'skipped', message: `skipped: ${kind} failed`, now });
    const failed = advancePhase(next, 'Failed', { reason: outcome.reason, message: `${kind}: ${outcome.message}` });
    return failed.ok ? { ok: true, status: failed.status } : { ok: false, refused: failed.error.message };
  }
  const buildLeft = kind === 'test' && hasStage(next, 'build');
  if (buildLeft || hasStage(next, 'deploy')) return { ok: true, status: next };
  const passed = advancePhase(next, 'Passed');
  return passed.ok ? { ok: true, status: passed.status } : { ok: false, refused: passed.error.message };
}

/** True while the Delivery occupies one of the runner's Job slots: its test or build stage is running. */
export function holdsJobSlot(delivery: Delivery): boolean {
  const status = currentStatus(delivery);
  if (isTerminal(status.phase)) return false;
  return status.stages.some((s) => (s.name === 'test' || s.name === 'build') && s.state === 'running');
}

/** True while the Delivery waits for its test Job to be started. */
export function awaitsTestStart(delivery: Delivery): boolean {
  const status = currentStatus(delivery);
  if (status.phase !== 'Pending') return false;
  const test = findStage(status, { name: 'test' });
  return test === undefined || test.state === 'pending';
}
