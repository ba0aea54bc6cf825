import type { V1LimitRange } from '@kubernetes/client-node';
import type { CpuMemory } from './resources.js';
import { assertAtLeast } from './resources.js';
import { MANAGED_BY, withDefaults, assertDnsLabel, assertDnsSubdomain, mergeLabels } from './validate.js';

export interface LimitRangeProps {
  readonly namespace: string;
  /** @default 'sluice-test-limits' */
  readonly name?: string;
  /** Request given to a container that declares none. @default { cpu: '250m', memory: '256Mi' } */
  readonly defaultRequest?: CpuMemory;
  /** Limit given to a container that declares none; must be ≥ defaultRequest. @default { cpu: '1', memory: '1Gi' } */
  readonly defaultLimit?: CpuMemory;
  /** Largest limit any one container may ask for; must be ≥ defaultLimit. @default { cpu: '4', memory: '8Gi' } */
  readonly max?: CpuMemory;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const DEFAULTS = {
  name: 'sluice-test-limits',
  labels: {},
  defaultRequest: { cpu: '250m', memory: '256Mi' },
  defaultLimit: { cpu: '1', memory: '1Gi' },
  max: { cpu: '4', memory: '8Gi' },
} as const;

/**
 * A LimitRange giving containers default requests/limits and a per-container
 * ceiling. The defaults are a safety net: Sluice's own Jobs always set both,
 * but a pod created some other way must not escape the quota's intent.
 */
export function limitRange(props: LimitRangeProps): V1LimitRange {
  const builder = 'limitRange';
  const p = withDefaults(props, DEFAULTS);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertDnsSubdomain(builder, 'name', p.name);
  assertAtLeast(builder, 'defaultLimit', p.defaultLimit, 'defaultRequest', p.defaultRequest);
  assertAtLeast(builder, 'max', p.max, 'defaultLimit', p.defaultLimit);
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { labels: mergeLabels(builder, p.labels, MANAGED_BY), name: p.name, namespace: p.namespace },
    spec: {
      limits: [
        {
          // client-node names the wire field `default` as `_default`; its serializer maps it back.
          _default: { cpu: p.defaultLimit.cpu, memory: p.defaultLimit.memory },
          defaultRequest: { cpu: p.defaultRequest.cpu, memory: p.defaultRequest.memory },
          max: { cpu: p.max.cpu, memory: p.max.memory },
          type: 'Container',
        },
      ],
    },
  };
}
