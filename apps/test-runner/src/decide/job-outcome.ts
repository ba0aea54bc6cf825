import type { FailureReason, TestSummary } from '@sluice/delivery';
import { REF_MISMATCH_EXIT_CODE, TEST_JOB_CONTAINERS } from '@sluice/manifests';
import { BUILD_CONTAINER } from '../jobs/build-job.js';
import type { JobKind } from '../jobs/names.js';
import type { ContainerFacts, EventFacts, JobFacts, PodFacts, TerminatedFacts } from './facts.js';
import { hasCondition, timeOf } from './facts.js';
import { parseBuiltImage, parseStepReport } from './termination.js';

/** Seconds each step took, from the containers' own start and finish times. */
export type StepDurations = Readonly<Partial<Record<'clone' | 'install' | 'test' | 'build', number>>>;

/** Where the log tail of a finished Job is read from. */
export interface LogSource {
  readonly pod: string;
  readonly container: string;
}

/** A fact that keeps a Job from running, and since when. */
export interface Blocker {
  readonly reason: 'QuotaExceeded' | 'ImagePullFailed' | 'Unschedulable';
  readonly message: string;
  readonly sinceMs: number;
  /** When waiting turns into failure. */
  readonly deadlineMs: number;
}

/** What a Job's facts say, decided by {@link decideJobOutcome}. */
export type JobOutcome =
  | {
      readonly kind: 'running';
      readonly blocker?: Blocker;
      /** The Job is Complete but the pod cache has not brought its pod's end yet: decide again by then at the latest. */
      readonly recheckAtMs?: number;
    }
  | {
      readonly kind: 'succeeded';
      readonly message: string;
      readonly exitCode: number;
      readonly durations: StepDurations;
      readonly testSummary?: TestSummary;
      readonly logFrom?: LogSource;
      /** Build only: the pushed image by digest (`repository@sha256:…`). */
      readonly image?: string;
    }
  | {
      readonly kind: 'failed';
      readonly reason: FailureReason;
      readonly message: string;
      readonly exitCode?: number;
      readonly durations: StepDurations;
      readonly testSummary?: TestSummary;
      readonly logFrom?: LogSource;
      /** The Job still holds (or waits for) a pod; delete it so it stops using quota. */
      readonly stopJob: boolean;
    };

/** Limits for waiting on blocked pods. */
export interface OutcomeLimits {
  readonly quotaWaitMs: number;
  readonly podPendingGraceMs: number;
}

/**
 * How long a Complete Job waits for the pod cache to show its pod's end.
 * The Job and pod watches are separate streams: on a loaded machine the
 * Job's Complete can arrive seconds before the pod update that carries the
 * termination message (a build's digest, a test's summary).
 */
export const POD_CACHE_GRACE_MS = 30_000;

const IMAGE_PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

function statusesOf(pod: PodFacts): ContainerFacts[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

function newestFirst(pods: readonly PodFacts[]): PodFacts[] {
  return [...pods].sort((a, b) => (timeOf(b.metadata.creationTimestamp) ?? 0) - (timeOf(a.metadata.creationTimestamp) ?? 0));
}

function seconds(t: TerminatedFacts | undefined): number | undefined {
  const start = timeOf(t?.startedAt);
  const end = timeOf(t?.finishedAt);
  return start === undefined || end === undefined ? undefined : Math.max(0, (end - start) / 1000);
}

/** Durations of each step of `pod` that ran to its end. */
export function stepDurations(pod: PodFacts | undefined): StepDurations {
  const out: Partial<Record<'clone' | 'install' | 'test' | 'build', number>> = {};
  for (const c of pod ? statusesOf(pod) : []) {
    const s = seconds(c.state?.terminated);
    if (s !== undefined && (c.name === 'clone' || c.name === 'install' || c.name === 'test' || c.name === 'build')) out[c.name] = s;
  }
  return out;
}

/** The container whose failure ended `pod`: the first one, in run order, that terminated non-zero or was OOM-killed. */
function failedContainer(pod: PodFacts): ContainerFacts | undefined {
  return statusesOf(pod).find((c) => {
    const t = c.state?.terminated;
    return t !== undefined && (t.exitCode !== 0 || t.reason === 'OOMKilled');
  });
}

/** The steps whose failure fails the Job at once (its podFailurePolicy's FailJob rules); a failed clone is retried — unless it found the commit not on its ref. */
const FAIL_JOB_STEPS: Readonly<Record<JobKind, readonly string[]>> = {
  test: [TEST_JOB_CONTAINERS.install, TEST_JOB_CONTAINERS.test],
  build: [BUILD_CONTAINER],
};

/** True when `container` is the clone step saying the commit is not on the pushed ref (its own exit code, which the podFailurePolicy makes final). */
function isRefMismatch(container: ContainerFacts): boolean {
  return container.name === TEST_JOB_CONTAINERS.clone && container.state?.terminated?.exitCode === REF_MISMATCH_EXIT_CODE && container.state.terminated.reason !== 'OOMKilled';
}

/**
 * True when `pod` failed in a step the podFailurePolicy fails the Job for —
 * not because it was disrupted (that is retried), and not about when the
 * Job's deadline ran out (its pod is killed then: the Job's own
 * `DeadlineExceeded` decides, which is `TestTimeout`, not a failed step).
 */
function failsJob(kind: JobKind, job: JobFacts, pod: PodFacts): boolean {
  if (pod.status?.phase !== 'Failed') return false;
  if (pod.status.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True')) return false;
  const container = failedContainer(pod);
  if (container === undefined || !(FAIL_JOB_STEPS[kind].includes(container.name) || isRefMismatch(container))) return false;
  const finished = timeOf(container.state?.terminated?.finishedAt);
  const started = timeOf(job.status?.startTime ?? job.metadata.creationTimestamp);
  const deadline = job.spec?.activeDeadlineSeconds;
  if (finished === undefined) return false;
  // Timestamps have whole seconds: a step that ended within a second or two of the deadline may have been killed by it.
  return deadline === undefined || started === undefined || finished < started + (deadline - 2) * 1000;
}

/** Which failure reason a failed container means, by its name (never by its exit code alone). */
export function reasonForContainer(kind: JobKind, container: ContainerFacts): FailureReason {
  if (container.state?.terminated?.reason === 'OOMKilled') return 'OOMKilled';
  if (isRefMismatch(container)) return 'RefMismatch';
  if (container.name === TEST_JOB_CONTAINERS.clone) return 'CloneFailed';
  if (kind === 'build') return 'BuildFailed';
  if (container.name === TEST_JOB_CONTAINERS.install) return 'DependencyInstallFailed';
  return container.name === TEST_JOB_CONTAINERS.test ? 'TestsFailed' : 'InternalError';
}

function stepLabel(name: string): string {
  return name === 'clone' ? 'clone' : name === 'install' ? 'dependency install' : name === 'build' ? 'build' : 'tests';
}

function failureMessage(container: ContainerFacts): string {
  const t = container.state?.terminated;
  const said = parseStepReport(t?.message).summary;
  if (t?.reason === 'OOMKilled') return `${container.name} step was killed for exceeding its memory limit (exit code ${t.exitCode})`;
  if (isRefMismatch(container)) {
    const what = said?.replace(/^ref mismatch: /, '');
    return `the commit is not on the pushed ref, so it is neither tested nor built${what === undefined ? '' : `: ${what}`}`;
  }
  const base = `${stepLabel(container.name)} failed with exit code ${t?.exitCode ?? 'unknown'}`;
  return said !== undefined ? `${base}: ${said}` : base;
}

function quotaBlocker(job: JobFacts, pods: readonly PodFacts[], events: readonly EventFacts[], limits: OutcomeLimits): Blocker | undefined {
  if (pods.some((p) => p.metadata.deletionTimestamp === undefined && p.status?.phase !== 'Failed')) return undefined;
  const refusals = events.filter(
    (e) =>
      e.reason === 'FailedCreate' &&
      e.involvedObject.kind === 'Job' &&
      e.involvedObject.name === job.metadata.name &&
      (job.metadata.uid === undefined || e.involvedObject.uid === undefined || e.involvedObject.uid === job.metadata.uid) &&
      /exceeded quota/i.test(e.message ?? ''),
  );
  if (refusals.length === 0) return undefined;
  const times = refusals.map((e) => timeOf(e.firstTimestamp) ?? timeOf(e.eventTime) ?? timeOf(e.metadata.creationTimestamp)).filter((t) => t !== undefined);
  const sinceMs = times.length > 0 ? Math.min(...times) : (timeOf(job.metadata.creationTimestamp) ?? 0);
  const latest = refusals[refusals.length - 1];
  return { reason: 'QuotaExceeded', message: `pod refused by quota: ${latest?.message ?? ''}`.trim(), sinceMs, deadlineMs: sinceMs + limits.quotaWaitMs };
}

function podBlocker(pod: PodFacts, limits: OutcomeLimits): Blocker | undefined {
  if (pod.metadata.deletionTimestamp !== undefined || pod.status?.phase !== 'Pending') return undefined;
  const created = timeOf(pod.metadata.creationTimestamp) ?? 0;
  const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    const sinceMs = timeOf(scheduled.lastTransitionTime) ?? created;
    return { reason: 'Unschedulable', message: `pod cannot be scheduled: ${scheduled.message ?? 'no node fits'}`, sinceMs, deadlineMs: sinceMs + limits.podPendingGraceMs };
  }
  const pulling = statusesOf(pod).find((c) => IMAGE_PULL_REASONS.has(c.state?.waiting?.reason ?? ''));
  if (pulling) {
    // Container waiting states carry no time; the pod was scheduled (or created) no later than the first pull attempt.
    const sinceMs = timeOf(scheduled?.status === 'True' ? scheduled.lastTransitionTime : undefined) ?? created;
    const waiting = pulling.state?.waiting;
    return {
      reason: 'ImagePullFailed',
      message: `image of ${pulling.name} cannot be pulled (${waiting?.reason ?? 'unknown'}): ${waiting?.message ?? ''}`.trim(),
      sinceMs,
      deadlineMs: sinceMs + limits.podPendingGraceMs,
    };
  }
  return undefined;
}

/**
 * What the facts say about the runner's Job of `kind`: still running
 * (possibly blocked, with the time waiting turns into failure), succeeded
 * (the Job's `Complete` condition, or already its pod's `Succeeded` phase;
 * a Complete Job whose pod the cache still shows unfinished is waited for,
 * up to {@link POD_CACHE_GRACE_MS}, as its report is in that pod),
 * or failed with a reason decided from facts — the Job's `DeadlineExceeded`
 * condition (`TestTimeout`), which container terminated non-zero
 * (`CloneFailed`, `DependencyInstallFailed`, `TestsFailed`, `BuildFailed`;
 * `clone` with `REF_MISMATCH_EXIT_CODE` is `RefMismatch`),
 * a container's `OOMKilled` state, quota refusals (`FailedCreate` events
 * saying "exceeded quota") for longer than `quotaWaitMs`, and pods
 * unschedulable or failing to pull their image for longer than
 * `podPendingGraceMs`. Pure: `now` is given.
 */
export function decideJobOutcome(
  kind: JobKind,
  job: JobFacts,
  pods: readonly PodFacts[],
  events: readonly EventFacts[],
  nowMs: number,
  limits: OutcomeLimits,
): JobOutcome {
  const ordered = newestFirst(pods);
  const mainName = kind === 'test' ? TEST_JOB_CONTAINERS.test : BUILD_CONTAINER;
  // A Succeeded pod completes the Job (one completion, never-restarting pods): decided at once, not after the
  // Job controller's next sync, which batches pod updates for up to a second before it writes `Complete`.
  const succeeded = ordered.find((p) => p.status?.phase === 'Succeeded');
  const complete = hasCondition(job, 'Complete');
  if (complete || succeeded) {
    const pod = succeeded ?? ordered[0];
    const main = pod ? statusesOf(pod).find((c) => c.name === mainName) : undefined;
    const completedAt = timeOf(complete?.lastTransitionTime);
    if (main?.state?.terminated === undefined && completedAt !== undefined && nowMs < completedAt + POD_CACHE_GRACE_MS) {
      // The Job's watch got ahead of the pod's: its report (digest, summary) is in the pod update still on its way.
      return { kind: 'running', recheckAtMs: completedAt + POD_CACHE_GRACE_MS };
    }
    const report = parseStepReport(main?.state?.terminated?.message);
    const image = kind === 'build' ? parseBuiltImage(main?.state?.terminated?.message) : undefined;
    if (kind === 'build' && image === undefined) {
      return {
        kind: 'failed',
        reason: 'BuildFailed',
        message: 'the build finished but reported no image digest (expected "built <image> sha256:…" in its termination message)',
        exitCode: main?.state?.terminated?.exitCode ?? 0,
        durations: stepDurations(pod),
        ...(pod?.metadata.name !== undefined && { logFrom: { pod: pod.metadata.name, container: mainName } }),
        stopJob: false,
      };
    }
    return {
      kind: 'succeeded',
      ...(image !== undefined && { image }),
      message: report.summary ?? `${kind} succeeded`,
      exitCode: main?.state?.terminated?.exitCode ?? 0,
      durations: stepDurations(pod),
      ...(report.testSummary && { testSummary: report.testSummary }),
      ...(pod?.metadata.name !== undefined && { logFrom: { pod: pod.metadata.name, container: mainName } }),
    };
  }
  // Like success, a failure the Job's podFailurePolicy makes final is decided from the pod, not after the Job's next sync.
  const failed = hasCondition(job, 'Failed') ?? (ordered.some((p) => failsJob(kind, job, p)) ? { type: 'Failed', status: 'True', reason: 'PodFailurePolicy' } : undefined);
  if (failed) {
    if (failed.reason === 'DeadlineExceeded') {
      const pod = ordered[0];
      const running = pod ? statusesOf(pod).find((c) => c.state?.running || (c.state?.terminated && c.state.terminated.exitCode !== 0)) : undefined;
      const deadline = job.spec?.activeDeadlineSeconds;
      return {
        kind: 'failed',
        reason: kind === 'test' ? 'TestTimeout' : 'BuildFailed',
        message: `${kind === 'test' ? 'tests' : 'build'} did not finish within ${deadline ?? '?'}s (activeDeadlineSeconds)${running ? `; ${running.name} step was running` : ''}`,
        durations: stepDurations(pod),
        ...(pod?.metadata.name !== undefined && running && { logFrom: { pod: pod.metadata.name, container: running.name } }),
        stopJob: false,
      };
    }
    for (const pod of ordered) {
      const container = failedContainer(pod);
      if (!container) continue;
      const report = parseStepReport(container.state?.terminated?.message);
      return {
        kind: 'failed',
        reason: reasonForContainer(kind, container),
        message: failureMessage(container),
        ...(container.state?.terminated?.exitCode !== undefined && { exitCode: container.state.terminated.exitCode }),
        durations: stepDurations(pod),
        ...(report.testSummary && { testSummary: report.testSummary }),
        ...(pod.metadata.name !== undefined && { logFrom: { pod: pod.metadata.name, container: container.name } }),
        stopJob: false,
      };
    }
    return { kind: 'failed', reason: 'InternalError', message: `Job failed (${failed.reason ?? 'no reason'}): ${failed.message ?? ''}`.trim(), durations: {}, stopJob: false };
  }
  const blocker = quotaBlocker(job, ordered, events, limits) ?? (ordered[0] ? podBlocker(ordered[0], limits) : undefined);
  if (blocker && nowMs >= blocker.deadlineMs) {
    const waited = Math.round((nowMs - blocker.sinceMs) / 1000);
    return { kind: 'failed', reason: blocker.reason, message: `${blocker.message} (waited ${waited}s)`, durations: {}, stopJob: true };
  }
  return blocker ? { kind: 'running', blocker } : { kind: 'running' };
}

/** `clone 1s, install 0s, test 2s` — appended to stage messages until the Delivery schema has a place for durations. */
export function formatDurations(durations: StepDurations): string {
  return (['clone', 'install', 'test', 'build'] as const)
    .filter((step) => durations[step] !== undefined)
    .map((step) => `${step} ${Math.round((durations[step] ?? 0) * 10) / 10}s`)
    .join(', ');
}
