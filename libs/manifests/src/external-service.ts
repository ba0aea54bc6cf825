import type { V1Service } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import { MANAGED_BY, assertDnsLabel, assertPort, mergeLabels, withDefaults } from './validate.js';

/** One port of an external Service: the name an EndpointSlice's port must carry, and the number (port = targetPort). */
export interface ExternalServicePort {
  /** IANA service name: at most 15 lowercase letters, digits and "-", with a letter. */
  readonly name: string;
  readonly port: number;
}

export interface ExternalServiceProps {
  readonly name: string;
  readonly namespace: string;
  /** At least one; each with a distinct name and number. */
  readonly ports: readonly ExternalServicePort[];
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

// k8s.io/apimachinery's IsValidPortName.
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A ClusterIP Service without a selector, for something outside the cluster
 * (a GitLab, a trace receiver): pods call it by its cluster name, and whoever
 * installs the cluster points it at the real address with an EndpointSlice
 * (label `kubernetes.io/service-name: <name>`, the same port names). Each
 * port's targetPort equals the port: NetworkPolicy sees the endpoint's port,
 * so the egress policies can name one number.
 */
export function externalService(props: ExternalServiceProps): V1Service {
  const builder = 'externalService';
  const p = withDefaults(props, { labels: {} });
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  if (p.ports.length === 0) throw new ManifestError('InvalidNumber', builder, `ports of Service "${p.name}" is empty; list at least one, e.g. [{ name: "http", port: 8080 }]`);
  for (const [i, port] of p.ports.entries()) {
    assertPort(builder, `ports[${i}].port`, port.port);
    if (port.name.length > 15 || !PORT_NAME.test(port.name) || !/[a-z]/.test(port.name) || port.name.includes('--')) {
      throw new ManifestError('InvalidName', builder, `ports[${i}].name "${port.name}" is not a port name; use at most 15 lowercase letters, digits and single "-", with at least one letter`);
    }
  }
  if (new Set(p.ports.map((x) => x.name)).size !== p.ports.length || new Set(p.ports.map((x) => x.port)).size !== p.ports.length) {
    throw new ManifestError('InvalidNumber', builder, `ports of Service "${p.name}" repeat a name or a number; give each its own`);
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { labels: mergeLabels(builder, p.labels, { ...MANAGED_BY, 'app.kubernetes.io/part-of': 'sluice' }), name: p.name, namespace: p.namespace },
    spec: {
      ports: p.ports.map((x) => ({ name: x.name, port: x.port, protocol: 'TCP', targetPort: x.port })),
      type: 'ClusterIP',
    },
  };
}
