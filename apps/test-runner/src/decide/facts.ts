/**
 * The parts of Jobs, pods and events the decide functions read, as the API
 * server reports them. Minimal on purpose: a decision can only rest on a
 * field listed here, and tests build these by hand.
 */

/** A Job condition (`Complete`, `Failed`, `FailureTarget`, …). */
export interface JobCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/** What the runner reads from a Job. */
export interface JobFacts {
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly uid?: string; readonly creationTimestamp?: string; readonly deletionTimestamp?: string; readonly labels?: Record<string, string> };
  readonly spec?: { readonly activeDeadlineSeconds?: number };
  readonly status?: { readonly conditions?: readonly JobCondition[]; readonly active?: number; readonly failed?: number; readonly succeeded?: number; readonly startTime?: string };
}

/** A container's terminated state. */
export interface TerminatedFacts {
  readonly exitCode: number;
  readonly reason?: string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

/** A container status. */
export interface ContainerFacts {
  readonly name: string;
  readonly state?: {
    readonly waiting?: { readonly reason?: string; readonly message?: string };
    readonly running?: { readonly startedAt?: string };
    readonly terminated?: TerminatedFacts;
  };
}

/** A pod condition. */
export interface PodCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/** What the runner reads from a pod. */
export interface PodFacts {
  readonly metadata: { readonly name?: string; readonly creationTimestamp?: string; readonly deletionTimestamp?: string; readonly labels?: Record<string, string> };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: readonly PodCondition[];
    readonly initContainerStatuses?: readonly ContainerFacts[];
    readonly containerStatuses?: readonly ContainerFacts[];
  };
}

/** What the runner reads from a core/v1 Event. */
export interface EventFacts {
  readonly metadata: { readonly name?: string; readonly creationTimestamp?: string };
  readonly involvedObject: { readonly kind?: string; readonly name?: string; readonly uid?: string };
  readonly reason?: string;
  readonly message?: string;
  readonly firstTimestamp?: string;
  readonly eventTime?: string;
}

/** A time field as milliseconds; `undefined` when absent or unreadable. */
export function timeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** True when the Job has condition `type` set to True. */
export function hasCondition(job: JobFacts, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** True once the Job has ended, successfully or not. */
export function isJobFinished(job: JobFacts): boolean {
  return hasCondition(job, 'Complete') !== undefined || hasCondition(job, 'Failed') !== undefined;
}
