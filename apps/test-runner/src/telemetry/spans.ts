/**
 * The test-runner's spans, decided from what the cluster recorded: stage
 * start and finish times in the Delivery status, container start and finish
 * times in the Job's pod. Pure: a restarted runner that finishes a stage
 * started by its predecessor produces the same spans.
 */
import type { Delivery, DeliveryStatus, Phase, Stage } from '@sluice/delivery';
import { findStage } from '@sluice/delivery';
import { TEST_JOB_CONTAINERS } from '@sluice/manifests';
import { ATTR, deliveryAttributes, epochMs, jobAttributes, stageErrorType, stageSpan, type SpanRecord } from '@sluice/telemetry';
import type { ContainerFacts, PodFacts } from '../decide/facts.js';
import { timeOf } from '../decide/facts.js';
import { BUILD_CONTAINER } from '../jobs/build-job.js';
import { jobName, type JobKind } from '../jobs/names.js';

/** Span name of each step's container: the Job's containers map one to one to the steps. */
export const STEP_SPANS: Readonly<Record<string, string>> = {
  [TEST_JOB_CONTAINERS.clone]: 'clone',
  [TEST_JOB_CONTAINERS.install]: 'install',
  [TEST_JOB_CONTAINERS.test]: 'test.run',
  [BUILD_CONTAINER]: 'build.run',
};

/**
 * `queue.wait`: from the Delivery's creation to its test stage starting (the
 * status write that takes a Job slot; the Job is created right after it).
 * The apiserver's creation time has whole seconds, so the push's own time
 * is used when it is later.
 */
export function queueWaitSpan(delivery: Delivery, status: DeliveryStatus): SpanRecord | undefined {
  const startedMs = epochMs(findStage(status, { name: 'test' })?.startedAt);
  if (startedMs === undefined) return undefined;
  const createdMs = Math.max(epochMs(delivery.metadata.creationTimestamp) ?? 0, epochMs(delivery.spec.receivedAt) ?? 0) || startedMs;
  return { name: 'queue.wait', startMs: createdMs, endMs: startedMs, attributes: { ...deliveryAttributes(delivery), [ATTR.queue]: 'test' } };
}

/** Input of {@link jobStageSpan}. */
export interface JobStageInput {
  readonly delivery: Delivery;
  readonly kind: JobKind;
  /** The status the runner wrote when the stage ended. */
  readonly status: DeliveryStatus;
  /** The pods of the stage's Job, as the runner saw them when it decided the outcome. */
  readonly pods: readonly PodFacts[];
  /** The namespace the stage's Job ran in. */
  readonly namespace: string;
  readonly nowMs: number;
}

/**
 * The `test` or `build` span of a finished stage (stage start → finish; the
 * Job's namespace and name; the test counts), with one child per step the
 * pod ran (`clone`, `install`, `test.run` / `build.run`) from the
 * containers' own start and finish times. A failed stage marks itself and
 * the step that failed (non-zero exit, OOM, or still running at the deadline).
 */
export function jobStageSpan(input: JobStageInput): SpanRecord | undefined {
  const { delivery, kind, status } = input;
  const stage = findStage(status, { name: kind });
  if (!stage || stage.state === 'pending' || stage.state === 'running') return undefined;
  const summary = stage.testSummary;
  return stageSpan({
    delivery,
    stage,
    phase: status.phase,
    name: kind,
    nowMs: input.nowMs,
    attributes: {
      ...jobAttributes(input.namespace, stage.jobName ?? jobName(delivery.metadata.name, kind)),
      ...(stage.exitCode !== undefined && { 'process.exit.code': stage.exitCode }),
      ...(summary && { 'sluice.tests.total': summary.total, 'sluice.tests.failed': summary.failed, 'sluice.tests.skipped': summary.skipped }),
    },
    children: stepSpans(podOf(input.pods), stage, status.phase, input.nowMs),
  });
}

/** The pod whose steps tell the story: the one that succeeded, else the newest (the last retry). */
export function podOf(pods: readonly PodFacts[]): PodFacts | undefined {
  const newest = [...pods].sort((a, b) => (timeOf(b.metadata.creationTimestamp) ?? 0) - (timeOf(a.metadata.creationTimestamp) ?? 0));
  return newest.find((p) => p.status?.phase === 'Succeeded') ?? newest[0];
}

/** One span per step container that started, in run order (init containers first). */
export function stepSpans(pod: PodFacts | undefined, stage: Stage, phase: Phase, nowMs: number): SpanRecord[] {
  if (!pod) return [];
  const stageEndMs = epochMs(stage.finishedAt) ?? nowMs;
  const errorType = stageErrorType(stage, phase);
  const containers = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return containers.flatMap((container) => {
    const name = STEP_SPANS[container.name];
    const times = containerTimes(container, stageEndMs);
    if (name === undefined || times === undefined) return [];
    const failed = errorType !== undefined && (times.unfinished || failedContainer(container));
    const exitCode = container.state?.terminated?.exitCode;
    return [
      {
        name,
        startMs: times.startMs,
        endMs: times.endMs,
        attributes: { 'k8s.container.name': container.name, ...(exitCode !== undefined && { 'process.exit.code': exitCode }) },
        ...(failed && { error: { type: errorType, ...(container.state?.terminated?.reason !== undefined && { message: container.state.terminated.reason }) } }),
      },
    ];
  });
}

function containerTimes(container: ContainerFacts, stageEndMs: number): { startMs: number; endMs: number; unfinished: boolean } | undefined {
  const terminated = container.state?.terminated;
  if (terminated) {
    const startMs = timeOf(terminated.startedAt);
    const endMs = timeOf(terminated.finishedAt);
    if (startMs === undefined && endMs === undefined) return undefined;
    return { startMs: startMs ?? endMs ?? stageEndMs, endMs: endMs ?? stageEndMs, unfinished: false };
  }
  // Still running when the stage ended: the deadline stopped it.
  const runningSince = timeOf(container.state?.running?.startedAt);
  return runningSince === undefined ? undefined : { startMs: runningSince, endMs: stageEndMs, unfinished: true };
}

function failedContainer(container: ContainerFacts): boolean {
  const terminated = container.state?.terminated;
  return terminated !== undefined && (terminated.exitCode !== 0 || terminated.reason === 'OOMKilled');
}
