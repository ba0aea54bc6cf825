import type { V1Ingress } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import { MANAGED_BY, assertDnsLabel, assertDnsSubdomain, assertOneOf, assertPort, mergeLabels, sortedRecord, withDefaults } from './validate.js';

/** How an Ingress path matches a request path (the two portable Kubernetes path types). */
export const INGRESS_PATH_TYPES = ['Exact', 'Prefix'] as const;
export type IngressPathType = (typeof INGRESS_PATH_TYPES)[number];

/** One path routed to the Ingress's Service. */
export interface IngressPath {
  /** Starts with `/`; letters, digits, `/`, `_` and `-` only (no regex). */
  readonly path: string;
  /** `Exact`: this path only. `Prefix`: this path and everything below it, element by element (`/deliveries` matches `/deliveries/x`, not `/deliveriesx`). */
  readonly pathType: IngressPathType;
}

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
  /**
   * Exactly what is routed to the Service; nothing else on `host` reaches it.
   * No default: an Ingress publishes only what its caller listed.
   */
  readonly paths: readonly IngressPath[];
  /** @default 'nginx' */
  readonly ingressClassName?: string;
  /** Controller annotations (e.g. cert-manager's issuer, ingress-nginx's external auth). @default {} */
  readonly annotations?: Readonly<Record<string, string>>;
}

// What ingress-nginx accepts for Exact and Prefix paths (its admission webhook refuses anything else, e.g. regexes).
const PLAIN_PATH = /^\/[A-Za-z0-9/_-]*$/;

function assertPaths(builder: string, paths: readonly IngressPath[]): void {
  if (paths.length === 0) throw new ManifestError('InvalidIngressPath', builder, 'paths is empty; list the paths to publish, e.g. [{ path: "/webhooks/gitlab", pathType: "Exact" }]');
  const seen = new Set<string>();
  for (const { path, pathType } of paths) {
    assertOneOf(builder, `pathType of "${path}"`, pathType, INGRESS_PATH_TYPES);
    if (!path.startsWith('/')) throw new ManifestError('InvalidIngressPath', builder, `path "${path}" must start with "/", e.g. "/webhooks"`);
    if (!PLAIN_PATH.test(path)) {
      throw new ManifestError('InvalidIngressPath', builder, `path "${path}" may hold only letters, digits, "/", "_" and "-" with pathType ${pathType}; list plain paths, e.g. "/deliveries"`);
    }
    if (seen.has(path)) throw new ManifestError('InvalidIngressPath', builder, `path "${path}" is listed twice; list each path once`);
    seen.add(path);
  }
}

/** An Ingress serving `host` over TLS only, routing exactly the given paths to one Service. */
export function tlsIngress(props: TlsIngressProps): V1Ingress {
  const builder = 'tlsIngress';
  const p = withDefaults(props, { servicePort: 80, ingressClassName: 'nginx', annotations: {} });
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertDnsSubdomain(builder, 'host', p.host);
  assertDnsSubdomain(builder, 'tlsSecretName', p.tlsSecretName);
  assertDnsLabel(builder, 'serviceName', p.serviceName);
  assertPort(builder, 'servicePort', p.servicePort);
  assertPaths(builder, p.paths);
  // A fresh backend per path: a shared object would be written as a YAML alias.
  const backend = () => ({ service: { name: p.serviceName, port: { number: p.servicePort } } });
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
      rules: [{ host: p.host, http: { paths: p.paths.map(({ path, pathType }) => ({ backend: backend(), path, pathType })) } }],
      tls: [{ hosts: [p.host], secretName: p.tlsSecretName }],
    },
  };
}
