/**
 * Downward API and `$(VAR)` expansion, shared by environment variables and
 * downwardAPI volumes. Pure.
 */
import type { V1Container, V1ObjectFieldSelector, V1Pod, V1ResourceFieldSelector } from '@kubernetes/client-node';
import { parseQuantity } from './quantity.js';

/** Facts about the pod that are not in its spec yet. */
export interface PodFacts {
  readonly podIP: string;
  readonly hostIP: string;
  /** Node allocatable, used for limits a container did not set. */
  readonly nodeAllocatable: Readonly<Record<string, string>>;
}

function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map![k])}`)
    .join('\n');
}

/** The value of a `fieldRef`, or an error message when the path is not supported. */
export function fieldRefValue(pod: V1Pod, ref: V1ObjectFieldSelector, facts: PodFacts): { value: string } | { error: string } {
  const path = ref.fieldPath;
  const meta = pod.metadata ?? {};
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) {
    const map = keyed[1] === 'labels' ? meta.labels : meta.annotations;
    return { value: map?.[keyed[2]!] ?? '' };
  }
  switch (path) {
    case 'metadata.name':
      return { value: meta.name ?? '' };
    case 'metadata.namespace':
      return { value: meta.namespace ?? '' };
    case 'metadata.uid':
      return { value: meta.uid ?? '' };
    case 'metadata.labels':
      return { value: formatMap(meta.labels) };
    case 'metadata.annotations':
      return { value: formatMap(meta.annotations) };
    case 'spec.nodeName':
      return { value: pod.spec?.nodeName ?? '' };
    case 'spec.serviceAccountName':
      return { value: pod.spec?.serviceAccountName ?? '' };
    case 'status.hostIP':
    case 'status.hostIPs':
      return { value: facts.hostIP };
    case 'status.podIP':
    case 'status.podIPs':
      return { value: facts.podIP };
    default:
      return { error: `unsupported fieldPath: ${path}` };
  }
}

/** The value of a `resourceFieldRef` for `container`; unset limits fall back to node allocatable. */
export function resourceFieldValue(container: V1Container | undefined, ref: V1ResourceFieldSelector, facts: PodFacts): string {
  const [kind, resource = ''] = ref.resource.split('.', 2) as [string, string];
  const res = container?.resources;
  let raw: string | undefined;
  if (kind === 'limits') raw = (res?.limits as Record<string, string> | undefined)?.[resource] ?? facts.nodeAllocatable[resource];
  else raw = (res?.requests as Record<string, string> | undefined)?.[resource] ?? '0';
  const divisor = ref.divisor ? parseQuantity(String(ref.divisor)) : 1;
  const value = parseQuantity(raw ?? '0') / (divisor || 1);
  return String(Math.ceil(value - 1e-9));
}

/**
 * Kubernetes `$(VAR)` expansion: a defined reference is replaced, an undefined
 * one is left as written, `$$` is an escaped `$`.
 */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close === -1) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = lookup(name);
      out += value ?? `$(${name})`;
      i = close;
    } else out += ch;
  }
  return out;
}
