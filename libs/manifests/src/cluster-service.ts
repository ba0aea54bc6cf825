import type { V1Service } from '@kubernetes/client-node';
import { MANAGED_BY, assertDnsLabel, assertPort, mergeLabels, withDefaults } from './validate.js';

export interface ClusterServiceProps {
  /** Service name; selects pods labelled `app.kubernetes.io/name: <name>` (what serviceDeployment sets). */
  readonly name: string;
  readonly namespace: string;
  /** Container port (named `http` by serviceDeployment). */
  readonly targetPort: number;
  /** @default 80 */
  readonly port?: number;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A ClusterIP Service in front of a Sluice service's pods. */
export function clusterService(props: ClusterServiceProps): V1Service {
  const builder = 'clusterService';
  const p = withDefaults(props, { port: 80, labels: {} });
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertPort(builder, 'port', p.port);
  assertPort(builder, 'targetPort', p.targetPort);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { labels: mergeLabels(builder, p.labels, { ...MANAGED_BY, 'app.kubernetes.io/name': p.name, 'app.kubernetes.io/part-of': 'sluice' }), name: p.name, namespace: p.namespace },
    spec: {
      ports: [{ name: 'http', port: p.port, protocol: 'TCP', targetPort: 'http' }],
      selector: { 'app.kubernetes.io/name': p.name },
      type: 'ClusterIP',
    },
  };
}
