import { REVISION_LABEL } from '@sluice/delivery';
import { APP_LABEL, COLOR_LABEL, type Color } from '@sluice/manifests';
import type { PodObject } from './facts.js';

/** True when the pod's `Ready` condition is `True` and it is not being deleted. */
export function isPodReady(pod: PodObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Pods of `color` (optionally of one revision), not being deleted. */
export function podsOf(pods: readonly PodObject[], app: string, color: Color, revision?: string): PodObject[] {
  return pods.filter((p) => {
    const labels = p.metadata.labels ?? {};
    if (labels[APP_LABEL] !== app || labels[COLOR_LABEL] !== color || p.metadata.deletionTimestamp) return false;
    return revision === undefined || labels[REVISION_LABEL] === revision;
  });
}

/**
 * Ready pods behind a Service selector. Computed from pods, not
 * EndpointSlices: on the local cluster pod IPs are loopback addresses, which
 * EndpointSlices refuse, so Services have no endpoints there. A pod that is
 * Ready and matches the selector is exactly what would be an endpoint.
 */
export function readyBehind(pods: readonly PodObject[], selector: Readonly<Record<string, string>>): PodObject[] {
  return pods.filter((p) => isPodReady(p) && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v));
}

/** Sum of restarts of every container of `pods`. */
export function totalRestarts(pods: readonly PodObject[]): number {
  return pods.reduce((sum, p) => sum + (p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0), 0);
}
