import type { V1Ingress } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import { MANAGED_BY, assertDnsLabel, assertDnsSubdomain, assertPort, mergeLabels, sortedRecord, withDefaults } from './validate.js';

export interface TlsIngressProps {
  readonly name: string;
  readonly namespace: string;
  /** Public host name, e.g. `sluice.example.com`. */
  readonly host: string;
  /** Secret (type kubernetes.io/tls) holding the certificate for `host`. */
  readonly tlsSecretName: string;
  /** Backend Service and its port. */
  readonly serviceName: string;
  /** @default 80 */
  readonly servicePort?: number;
  /** Path prefixes routed to the Service. @default ['/'] */
  readonly paths?: readonly string[];
  /** @default 'nginx' */
  readonly ingressClassName?: string;
  /** Controller annotations (e.g. cert-manager's issuer). @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An Ingress serving `host` over TLS only, routing the given paths to one Service. */
export function tlsIngress(props: TlsIngressProps): V1Ingress {
  const builder = 'tlsIngress';
  const p = withDefaults(props, { servicePort: 80, paths: ['/'], ingressClassName: 'nginx', annotations: {} });
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertDnsSubdomain(builder, 'host', p.host);
  assertDnsSubdomain(builder, 'tlsSecretName', p.tlsSecretName);
  assertDnsLabel(builder, 'serviceName', p.serviceName);
  assertPort(builder, 'servicePort', p.servicePort);
  for (const path of p.paths) {
    if (!path.startsWith('/')) throw new ManifestError('InvalidProbe', builder, `path "${path}" must start with "/", e.g. "/webhooks"`);
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      ...(Object.keys(p.annotations).length > 0 && { annotations: sortedRecord(p.annotations) }),
      labels: mergeLabels(builder, {}, { ...MANAGED_BY, 'app.kubernetes.io/part-of': 'sluice' }),
      name: p.name,
      namespace: p.namespace,
    },
    spec: {
      ingressClassName: p.ingressClassName,
      rules: [
        {
          host: p.host,
          http: { paths: p.paths.map((path) => ({ backend: { service: { name: p.serviceName, port: { number: p.servicePort } } }, path, pathType: 'Prefix' })) },
        },
      ],
      tls: [{ hosts: [p.host], secretName: p.tlsSecretName }],
    },
  };
}
