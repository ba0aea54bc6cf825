/**
 * The scheduler's decision for our single node, as pure functions: does a pod
 * fit (node selector / required node affinity, pod count, resource requests)
 * and, if not, the message kube-scheduler would put on `PodScheduled=False`.
 */
import type { V1Container, V1NodeSelectorRequirement, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { resourceAmount } from './quantity.js';

/** What the binder knows about the node it schedules onto. */
export interface SchedulableNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Allocatable resources as quantities (`cpu`, `memory`, `pods`, ...). */
  readonly allocatable: Readonly<Record<string, string>>;
}

export type FitDecision = { readonly fits: true } | { readonly fits: false; readonly message: string };

/** True when the pod waits for a scheduler and that scheduler is us (the default one). */
export function isOursToSchedule(pod: V1Pod): boolean {
  const spec = pod.spec;
  if (!spec || spec.nodeName) return false;
  if (spec.schedulerName && spec.schedulerName !== 'default-scheduler') return false;
  if (spec.schedulingGates?.length) return false;
  if (pod.metadata?.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** True for pods that still hold node resources (not yet in a terminal phase). */
export function holdsResources(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function add(into: Record<string, number>, requests: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(requests ?? {})) into[name] = (into[name] ?? 0) + resourceAmount(name, value);
}

function maxInto(into: Record<string, number>, other: Record<string, number>): void {
  for (const [name, value] of Object.entries(other)) into[name] = Math.max(into[name] ?? 0, value);
}

function requestsOf(c: V1Container): Record<string, string> | undefined {
  // The apiserver defaults requests from limits, but be lenient with raw objects.
  return (c.resources?.requests as Record<string, string> | undefined) ?? (c.resources?.limits as Record<string, string> | undefined);
}

/**
 * Effective pod requests as the scheduler computes them: the larger of (app
 * containers + sidecars) and (each init container + the sidecars started
 * before it), plus pod overhead. cpu in millicores, everything else in base units.
 */
export function podRequests(spec: V1PodSpec): Record<string, number> {
  const total: Record<string, number> = {};
  const sidecars: Record<string, number> = {};
  const initPeak: Record<string, number> = {};
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') {
      add(sidecars, requestsOf(c));
      continue;
    }
    const during: Record<string, number> = { ...sidecars };
    add(during, requestsOf(c));
    maxInto(initPeak, during);
  }
  for (const c of spec.containers ?? []) add(total, requestsOf(c));
  for (const [name, value] of Object.entries(sidecars)) total[name] = (total[name] ?? 0) + value;
  maxInto(total, initPeak);
  add(total, spec.overhead as Record<string, string> | undefined);
  return total;
}

function matchesRequirement(labels: Readonly<Record<string, string>>, r: V1NodeSelectorRequirement): boolean {
  const value = labels[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/** nodeSelector plus requiredDuringSchedulingIgnoredDuringExecution node affinity. */
export function matchesNodeAffinity(spec: V1PodSpec, node: SchedulableNode): boolean {
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (node.labels[key] !== value) return false;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return true;
  const fields = { 'metadata.name': node.name };
  return terms.some(
    (term) =>
      (term.matchExpressions?.length || term.matchFields?.length) &&
      (term.matchExpressions ?? []).every((r) => matchesRequirement(node.labels, r)) &&
      (term.matchFields ?? []).every((r) => matchesRequirement(fields, r)),
  );
}

/**
 * Decides whether `pod` fits on `node` next to `podsOnNode` (those holding
 * resources). The message mirrors kube-scheduler's
 * `0/1 nodes are available: 1 Insufficient memory.`
 */
export function decideFit(pod: V1Pod, node: SchedulableNode, podsOnNode: readonly V1Pod[]): FitDecision {
  const spec = pod.spec ?? { containers: [] };
  const reasons: string[] = [];
  if (!matchesNodeAffinity(spec, node)) reasons.push("node(s) didn't match Pod's node affinity/selector");
  else {
    const used: Record<string, number> = {};
    let count = 0;
    for (const other of podsOnNode) {
      if (other.metadata?.uid === pod.metadata?.uid || !holdsResources(other) || !other.spec) continue;
      count++;
      for (const [name, value] of Object.entries(podRequests(other.spec))) used[name] = (used[name] ?? 0) + value;
    }
    const maxPods = Number(node.allocatable.pods ?? '110');
    if (count + 1 > maxPods) reasons.push('Too many pods');
    const wanted = podRequests(spec);
    for (const [name, value] of Object.entries(wanted)) {
      if (value <= 0) continue;
      const capacity = node.allocatable[name] === undefined ? 0 : resourceAmount(name, node.allocatable[name]);
      if ((used[name] ?? 0) + value > capacity) reasons.push(`Insufficient ${name}`);
    }
  }
  if (reasons.length === 0) return { fits: true };
  const parts = reasons.sort().map((r) => `1 ${r}`);
  return { fits: false, message: `0/1 nodes are available: ${parts.join(', ')}.` };
}
