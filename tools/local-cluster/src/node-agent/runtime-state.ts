/**
 * The node agent's own record of a pod: what it started, when, and how each
 * container ended. Pod statuses are derived from this (see pod-status.ts);
 * nothing here talks to the API.
 */

export type ContainerKind = 'init' | 'sidecar' | 'app';

/** How a container instance ended. Times are RFC 3339 (seconds). */
export interface Terminated {
  readonly exitCode: number;
  readonly signal?: number;
  /** `Completed`, `Error`, `OOMKilled`, `StartError`, `DeadlineExceeded`... */
  readonly reason: string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt: string;
  readonly containerID?: string;
}

export type ContainerState =
  | { readonly type: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly type: 'running'; readonly startedAt: string }
  | { readonly type: 'terminated'; readonly terminated: Terminated };

/** Mutable per-container record. */
export interface ContainerRuntime {
  readonly name: string;
  readonly kind: ContainerKind;
  readonly image: string;
  state: ContainerState;
  lastTerminated?: Terminated;
  restartCount: number;
  /** Readiness (probe, simulation, or simply "running" without a probe). */
  ready: boolean;
  /** Startup probe passed (or none) while running. */
  started: boolean;
  containerID?: string;
}

/** Mutable per-pod record. */
export interface PodRuntime {
  readonly hostIP: string;
  podIP?: string;
  startTime?: string;
  /** The "sandbox" (pod dir, IP, volumes) is set up: PodReadyToStartContainers. */
  sandboxReady: boolean;
  /** In spec order: init containers (incl. sidecars), then app containers. */
  readonly containers: ContainerRuntime[];
  /** Set when the agent fails the pod as a whole (activeDeadlineSeconds): the phase is Failed from then on. */
  failure?: { readonly reason: string; readonly message: string };
  /** Set once the agent has stopped the pod for good (deleted, deadline, all done). */
  finished?: true;
}

/** RFC 3339 with second precision, the way metav1.Time serialises. */
export function rfc3339(ms: number = Date.now()): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
