import type { V1ResourceQuota } from '@kubernetes/client-node';
import type { CpuMemory } from './resources.js';
import { assertAtLeast } from './resources.js';
import { MANAGED_BY, withDefaults, assertDnsLabel, assertDnsSubdomain, assertInteger, mergeLabels } from './validate.js';

export interface ResourceQuotaProps {
  /** The namespace the quota caps (normally the test namespace). */
  readonly namespace: string;
  /** @default 'sluice-test-quota' */
  readonly name?: string;
  /** Maximum number of pods at once; bounds concurrent test Jobs. @default 10 */
  readonly pods?: number;
  /** Sum of container requests. @default { cpu: '8', memory: '16Gi' } */
  readonly requests?: CpuMemory;
  /** Sum of container limits; must be ≥ requests. @default { cpu: '16', memory: '32Gi' } */
  readonly limits?: CpuMemory;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

const DEFAULTS = {
  name: 'sluice-test-quota',
  labels: {},
  pods: 10,
  requests: { cpu: '8', memory: '16Gi' },
  limits: { cpu: '16', memory: '32Gi' },
} as const;

/**
 * A ResourceQuota capping pods and cpu/memory requests and limits. Quotas on
 * requests *and* limits also force every pod in the namespace to declare
 * both, which is what makes an unbounded test pod impossible.
 */
export function resourceQuota(props: ResourceQuotaProps): V1ResourceQuota {
  const builder = 'resourceQuota';
  const p = withDefaults(props, DEFAULTS);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertDnsSubdomain(builder, 'name', p.name);
  assertInteger(builder, 'pods', p.pods, 1);
  assertAtLeast(builder, 'limits', p.limits, 'requests', p.requests);
  return {
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { labels: mergeLabels(builder, p.labels, MANAGED_BY), name: p.name, namespace: p.namespace },
    spec: {
      hard: {
        'limits.cpu': p.limits.cpu,
        'limits.memory': p.limits.memory,
        pods: String(p.pods),
        'requests.cpu': p.requests.cpu,
        'requests.memory': p.requests.memory,
      },
    },
  };
}
