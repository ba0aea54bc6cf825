/**
 * Pure derivation of a pod's `status` from the agent's runtime record, after
 * the kubelet (`getPhase`, `GeneratePod*Condition`): phase, conditions with
 * stable `lastTransitionTime` (it only moves when a condition's status flips —
 * the Deployment controller's availability depends on it), and container
 * statuses.
 */
import { createHash } from 'node:crypto';
import type { V1Pod, V1PodSpec } from '@kubernetes/client-node';
import type { ContainerRuntime, ContainerState, PodRuntime, Terminated } from './runtime-state.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/* Wire shapes (timestamps are strings) of the parts of PodStatus we write. */
export interface WireCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime: null;
  lastTransitionTime: string;
  observedGeneration?: number;
}
export interface WireTerminated {
  exitCode: number;
  signal?: number;
  reason: string;
  message?: string;
  startedAt: string | null;
  finishedAt: string;
  containerID?: string;
}
export interface WireState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: WireTerminated;
}
export interface WireContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: WireState;
  lastState: WireState;
}
export interface WirePodStatus {
  phase: PodPhase;
  conditions: WireCondition[];
  hostIP: string;
  hostIPs: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  initContainerStatuses: WireContainerStatus[];
  containerStatuses: WireContainerStatus[];
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

function isRestartableInit(c: { restartPolicy?: string }): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * The kubelet's `getPhase`: regular init containers gate the pod; app
 * containers decide between Running, Succeeded and Failed according to the
 * restart policy. `podIsTerminal` is true once the agent has stopped the pod
 * for good (deletion, deadline), which forces a terminal phase.
 */
export function computePhase(spec: V1PodSpec, runtime: PodRuntime, podIsTerminal: boolean): PodPhase {
  const byName = new Map(runtime.containers.map((c) => [c.name, c]));
  let pendingInit = 0;
  let failedInit = 0;
  for (const c of spec.initContainers ?? []) {
    if (isRestartableInit(c)) continue;
    const s = byName.get(c.name);
    if (!s) {
      pendingInit++;
      continue;
    }
    if (s.state.type === 'terminated') {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state.type === 'waiting' && s.lastTerminated) {
      if (s.lastTerminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.containers ?? []) {
    const s = byName.get(c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state.type === 'running') running++;
    else if (s.state.type === 'terminated') {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastTerminated) stopped++;
    else waiting++;
  }
  const policy = spec.restartPolicy ?? 'Always';
  if (runtime.failure || (failedInit > 0 && policy === 'Never')) return 'Failed';
  if (podIsTerminal) {
    // Everything was stopped: succeeded only if every app container exited 0.
    return stopped === (spec.containers ?? []).length && succeeded === stopped && running === 0 ? 'Succeeded' : 'Failed';
  }
  if (pendingInit > 0 || waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function conditionOf(pod: V1Pod, type: string): { status?: string; lastTransitionTime?: unknown } | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

function timeString(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return typeof value === 'string' ? value : undefined;
}

/** A condition whose lastTransitionTime is kept from `pod` unless its status flipped. */
function condition(
  pod: V1Pod,
  now: string,
  type: string,
  status: boolean,
  reason?: string,
  message?: string,
): WireCondition {
  const s = status ? 'True' : 'False';
  const prev = conditionOf(pod, type);
  const lastTransitionTime = (prev?.status === s && timeString(prev.lastTransitionTime)) || now;
  const c: WireCondition = { type, status: s, lastProbeTime: null, lastTransitionTime };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  if (pod.metadata?.generation !== undefined) c.observedGeneration = pod.metadata.generation;
  return c;
}

function list(names: string[]): string {
  return `[${names.join(' ')}]`;
}

/** Conditions the kubelet owns: PodReadyToStartContainers, Initialized, ContainersReady, Ready (plus PodScheduled). */
export function computeConditions(pod: V1Pod, runtime: PodRuntime, phase: PodPhase, now: string): WireCondition[] {
  const spec = pod.spec!;
  const byName = new Map(runtime.containers.map((c) => [c.name, c]));
  const completed = phase === 'Succeeded';

  const notInitialized: string[] = [];
  for (const c of spec.initContainers ?? []) {
    const s = byName.get(c.name);
    if (isRestartableInit(c)) {
      if (!s?.started) notInitialized.push(c.name);
    } else if (!(s?.state.type === 'terminated' && s.state.terminated.exitCode === 0)) notInitialized.push(c.name);
  }
  // Once initialized, a pod stays initialized (sidecars may restart later).
  const wasInitialized = conditionOf(pod, 'Initialized')?.status === 'True';
  const initialized = notInitialized.length === 0 || wasInitialized || completed;

  const unready: string[] = [];
  for (const c of spec.initContainers ?? []) if (isRestartableInit(c) && !byName.get(c.name)?.ready) unready.push(c.name);
  for (const c of spec.containers ?? []) if (!byName.get(c.name)?.ready) unready.push(c.name);
  const containersReady = unready.length === 0 && !completed && phase !== 'Failed';
  const unreadyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const unreadyMessage = completed ? undefined : `containers with unready status: ${list(unready)}`;

  const gatesMissing: string[] = [];
  for (const gate of spec.readinessGates ?? []) {
    if (conditionOf(pod, gate.conditionType)?.status !== 'True') gatesMissing.push(gate.conditionType);
  }
  const ready = containersReady && gatesMissing.length === 0;
  let readyReason = unreadyReason;
  let readyMessage = unreadyMessage;
  if (containersReady && !ready) {
    readyReason = 'ReadinessGatesNotReady';
    readyMessage = `corresponding condition of pod readiness gate "${gatesMissing[0]}" does not exist.`;
  }

  const terminal = phase === 'Succeeded' || phase === 'Failed';
  return [
    condition(pod, now, 'PodReadyToStartContainers', runtime.sandboxReady && !terminal),
    condition(
      pod,
      now,
      'Initialized',
      initialized,
      initialized ? (completed ? 'PodCompleted' : undefined) : 'ContainersNotInitialized',
      initialized ? undefined : `containers with incomplete status: ${list(notInitialized)}`,
    ),
    condition(pod, now, 'Ready', ready, ready ? undefined : readyReason, ready ? undefined : readyMessage),
    condition(
      pod,
      now,
      'ContainersReady',
      containersReady,
      containersReady ? undefined : unreadyReason,
      containersReady ? undefined : unreadyMessage,
    ),
    condition(pod, now, 'PodScheduled', true),
  ];
}

function wireTerminated(t: Terminated): WireTerminated {
  const w: WireTerminated = { exitCode: t.exitCode, reason: t.reason, startedAt: t.startedAt ?? null, finishedAt: t.finishedAt };
  if (t.signal) w.signal = t.signal;
  if (t.message) w.message = t.message;
  if (t.containerID) w.containerID = t.containerID;
  return w;
}

function wireState(state: ContainerState): WireState {
  switch (state.type) {
    case 'waiting':
      return { waiting: state.message ? { reason: state.reason, message: state.message } : { reason: state.reason } };
    case 'running':
      return { running: { startedAt: state.startedAt } };
    case 'terminated':
      return { terminated: wireTerminated(state.terminated) };
  }
}

/** A stable fake image digest: images are never pulled, but `imageID` should look like one. */
export function fakeImageID(image: string): string {
  return `${image.split('@')[0]}@sha256:${createHash('sha256').update(image).digest('hex')}`;
}

export function wireContainerStatus(c: ContainerRuntime): WireContainerStatus {
  const created = c.state.type !== 'waiting' || c.lastTerminated !== undefined;
  const s: WireContainerStatus = {
    name: c.name,
    image: c.image,
    imageID: created ? fakeImageID(c.image) : '',
    ready: c.state.type === 'running' && c.ready,
    started: c.state.type === 'running' && c.started,
    restartCount: c.restartCount,
    state: wireState(c.state),
    lastState: c.lastTerminated ? { terminated: wireTerminated(c.lastTerminated) } : {},
  };
  if (c.containerID) s.containerID = c.containerID;
  return s;
}

/** The whole status the agent reports for `pod`. */
export function computePodStatus(pod: V1Pod, runtime: PodRuntime, now: string): WirePodStatus {
  const spec = pod.spec!;
  const phase = computePhase(spec, runtime, runtime.finished !== undefined);
  const initNames = new Set((spec.initContainers ?? []).map((c) => c.name));
  const status: WirePodStatus = {
    phase,
    conditions: computeConditions(pod, runtime, phase, now),
    hostIP: runtime.hostIP,
    hostIPs: [{ ip: runtime.hostIP }],
    initContainerStatuses: runtime.containers.filter((c) => initNames.has(c.name)).map(wireContainerStatus),
    containerStatuses: runtime.containers.filter((c) => !initNames.has(c.name)).map(wireContainerStatus),
  };
  if (runtime.podIP) {
    status.podIP = runtime.podIP;
    status.podIPs = [{ ip: runtime.podIP }];
  }
  if (runtime.startTime) status.startTime = runtime.startTime;
  if (runtime.failure) {
    status.reason = runtime.failure.reason;
    status.message = runtime.failure.message;
  }
  if (pod.metadata?.generation !== undefined) status.observedGeneration = pod.metadata.generation;
  return status;
}

/** True for the phases a pod never leaves. */
export function isTerminalPhase(phase: string | undefined): phase is 'Succeeded' | 'Failed' {
  return phase === 'Succeeded' || phase === 'Failed';
}
