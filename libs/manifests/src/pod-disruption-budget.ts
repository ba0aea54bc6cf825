import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { MANAGED_BY, assertDnsLabel, assertInteger, mergeLabels, withDefaults } from './validate.js';

export interface PodDisruptionBudgetProps {
  /** Name; selects pods labelled `app.kubernetes.io/name: <name>`. */
  readonly name: string;
  readonly namespace: string;
  /**
   * Pods a voluntary disruption (drain, upgrade) may take at once. 1 keeps a
   * controller's hot standby or a gateway replica serving during a drain,
   * and never blocks the drain of a single-replica install.
   * @default 1
   */
  readonly maxUnavailable?: number;
}

/** A PodDisruptionBudget for one Sluice service. */
export function podDisruptionBudget(props: PodDisruptionBudgetProps): V1PodDisruptionBudget {
  const builder = 'podDisruptionBudget';
  const p = withDefaults(props, { maxUnavailable: 1 });
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertInteger(builder, 'maxUnavailable', p.maxUnavailable, 1);
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { labels: mergeLabels(builder, {}, { ...MANAGED_BY, 'app.kubernetes.io/name': p.name, 'app.kubernetes.io/part-of': 'sluice' }), name: p.name, namespace: p.namespace },
    spec: { maxUnavailable: p.maxUnavailable, selector: { matchLabels: { 'app.kubernetes.io/name': p.name } } },
  };
}
