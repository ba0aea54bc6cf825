/**
 * Fire-and-forget core/v1 Events about pods (Scheduled, FailedScheduling,
 * Started, Killing, Unhealthy, BackOff...), so `kubectl describe pod` reads
 * like on a real node. Failures are logged at debug level and dropped.
 */
import type { Logger } from 'pino';
import type { KubeClient } from './kube-client.js';
import { rfc3339 } from './runtime-state.js';

export interface PodRef {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

export type EventRecorder = (
  pod: PodRef,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  options?: { fieldPath?: string; component?: string },
) => void;

/** Identical events for one object within this window are sent once (the kubelet's recorder aggregates them). */
const DEDUPE_MS = 30_000;

export function eventRecorder(client: KubeClient, nodeName: string, logger: Logger): EventRecorder {
  const recent = new Map<string, number>();
  return (pod, type, reason, message, options = {}) => {
    const key = `${pod.uid}|${options.fieldPath ?? ''}|${reason}|${message}`;
    const nowMs = Date.now();
    if (nowMs - (recent.get(key) ?? 0) < DEDUPE_MS) return;
    recent.set(key, nowMs);
    if (recent.size > 5000) for (const [k, t] of recent) if (nowMs - t >= DEDUPE_MS) recent.delete(k);
    const now = rfc3339(nowMs);
    const component = options.component ?? 'kubelet';
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${pod.name}.`, namespace: pod.namespace },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        name: pod.name,
        namespace: pod.namespace,
        uid: pod.uid,
        ...(options.fieldPath ? { fieldPath: options.fieldPath } : {}),
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: component === 'kubelet' ? { component, host: nodeName } : { component },
      reportingComponent: component,
      reportingInstance: component === 'kubelet' ? nodeName : '',
    };
    client
      .request('POST', `/api/v1/namespaces/${pod.namespace}/events`, { body })
      .catch((err: unknown) => logger.debug({ err, reason, pod: `${pod.namespace}/${pod.name}` }, 'event not recorded'));
  };
}
