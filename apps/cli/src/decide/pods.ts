import type { KubeObject } from '@sluice/kube';

/** The part of a container status the CLI reads. */
export interface ContainerStatus {
  readonly name: string;
  readonly state?: {
    readonly waiting?: { readonly reason?: string };
    readonly running?: object;
    readonly terminated?: { readonly exitCode?: number; readonly reason?: string };
  };
}

/** The part of a Pod the CLI reads. */
export interface Pod extends KubeObject {
  spec?: { initContainers?: { name: string }[]; containers?: { name: string }[] };
  status?: { phase?: string; initContainerStatuses?: ContainerStatus[]; containerStatuses?: ContainerStatus[] };
}

/** One step (container) of a Job pod, in the order it runs. */
export interface Step {
  readonly name: string;
  /** It has run or is running, so it has a log. */
  readonly started: boolean;
  /** It has ended. */
  readonly done: boolean;
}

/** The pod to read: the newest (a retried Job has several). */
export function newestPod<T extends Pod>(pods: readonly T[]): T | undefined {
  const created = (p: Pod) => String(p.metadata['creationTimestamp'] ?? '');
  return [...pods].sort((a, b) => created(b).localeCompare(created(a)) || (b.metadata.name ?? '').localeCompare(a.metadata.name ?? ''))[0];
}

/** True once the pod has ended (no step will start any more). */
export function podFinished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** The pod's steps, init containers first (clone, install), then the main one (test, or build). */
export function podSteps(pod: Pod): Step[] {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
  return names.map((name) => {
    const state = statuses.find((s) => s.name === name)?.state;
    return { name, started: !!(state?.running ?? state?.terminated), done: !!state?.terminated };
  });
}

/** The step named `name`, if the pod has it. */
export function stepOf(pod: Pod, name: string): Step | undefined {
  return podSteps(pod).find((s) => s.name === name);
}
