import type { FailureReason } from '@sluice/delivery';
import type { DeploymentObject, PodObject } from './facts.js';

/** Restarts of one container after which a rollout fails as CrashLoop without waiting for the deadline. */
export const CRASH_LOOP_RESTARTS = 3;

/** Where a color's rollout stands. */
export type RolloutState =
  | { readonly kind: 'complete' }
  | { readonly kind: 'progressing'; readonly why: string }
  | { readonly kind: 'failed'; readonly reason: FailureReason; readonly message: string };

/**
 * Whether the Deployment finished rolling out `replicas` pods of the new
 * template: the controller saw the latest generation, and every replica is
 * updated, ready and available, with no old pod left.
 */
export function rolloutComplete(deployment: DeploymentObject, replicas: number): boolean {
  const s = deployment.status ?? {};
  return (
    (s.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === replicas &&
    (s.readyReplicas ?? 0) === replicas &&
    (s.availableReplicas ?? 0) === replicas &&
    (s.replicas ?? 0) === replicas
  );
}

/**
 * A failure the pods already prove, decided from what the node reports
 * (waiting reasons, exit reasons, restart counts, scheduling conditions),
 * never from logs. `undefined`: nothing conclusive yet.
 */
export function podFailure(pods: readonly PodObject[]): { reason: FailureReason; message: string } | undefined {
  for (const pod of pods) {
    const name = pod.metadata.name ?? '?';
    for (const c of pod.status?.containerStatuses ?? []) {
      const waiting = c.state?.waiting?.reason;
      if (waiting === 'ImagePullBackOff' || waiting === 'ErrImagePull' || waiting === 'InvalidImageName') {
        return { reason: 'ImagePullFailed', message: `pod ${name}: ${waiting}${c.state?.waiting?.message ? `: ${c.state.waiting.message}` : ''}` };
      }
      if (c.lastState?.terminated?.reason === 'OOMKilled' || c.state?.terminated?.reason === 'OOMKilled') {
        return { reason: 'OOMKilled', message: `pod ${name}: container ${c.name} was killed by its memory limit` };
      }
      if (waiting === 'CrashLoopBackOff' || (c.restartCount ?? 0) >= CRASH_LOOP_RESTARTS) {
        const last = c.lastState?.terminated;
        const exit = last ? ` (last exit code ${last.exitCode ?? '?'}${last.reason ? `, ${last.reason}` : ''})` : '';
        return { reason: 'CrashLoop', message: `pod ${name}: container ${c.name} restarted ${c.restartCount ?? 0} times${exit}` };
      }
    }
  }
  return undefined;
}

/** Why a rollout that ran out of time did not finish, from the pods' state at the deadline. */
export function deadlineFailure(pods: readonly PodObject[], timeoutSeconds: number): { reason: FailureReason; message: string } {
  const unschedulable = pods.find((p) => (p.status?.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'));
  if (unschedulable) {
    const cond = unschedulable.status?.conditions?.find((c) => c.type === 'PodScheduled');
    return { reason: 'Unschedulable', message: `pod ${unschedulable.metadata.name ?? '?'} could not be scheduled: ${cond?.message ?? 'no node fits'}` };
  }
  // Running containers that never passed readiness: the app is up but says it is not ready.
  const notReady = pods.find(
    (p) =>
      p.status?.phase === 'Running' &&
      (p.status.containerStatuses ?? []).some((c) => c.state?.running !== undefined && c.ready !== true),
  );
  if (notReady) {
    return { reason: 'ReadinessFailed', message: `pod ${notReady.metadata.name ?? '?'} is running but failed its readiness probe for ${timeoutSeconds}s` };
  }
  return { reason: 'RolloutTimeout', message: `the new color did not become available within ${timeoutSeconds}s` };
}

/**
 * Where the rollout of the new color stands: complete, failed with a reason
 * the cluster proves (or the deadline passed), or still progressing. The
 * deadline is the earlier of the stage's start plus `timeoutSeconds` and the
 * Deployment's own `ProgressDeadlineExceeded`.
 */
export function rolloutState(
  deployment: DeploymentObject,
  pods: readonly PodObject[],
  options: { readonly replicas: number; readonly startedAtMs: number; readonly timeoutSeconds: number; readonly now: number },
): RolloutState {
  if (rolloutComplete(deployment, options.replicas)) return { kind: 'complete' };
  const proven = podFailure(pods);
  if (proven) return { kind: 'failed', ...proven };
  const progressing = deployment.status?.conditions?.find((c) => c.type === 'Progressing');
  const deadlinePassed = options.now >= options.startedAtMs + options.timeoutSeconds * 1000 || progressing?.reason === 'ProgressDeadlineExceeded';
  if (deadlinePassed) return { kind: 'failed', ...deadlineFailure(pods, options.timeoutSeconds) };
  const s = deployment.status ?? {};
  return {
    kind: 'progressing',
    why: `updated ${s.updatedReplicas ?? 0}, ready ${s.readyReplicas ?? 0}, available ${s.availableReplicas ?? 0} of ${options.replicas}`,
  };
}
