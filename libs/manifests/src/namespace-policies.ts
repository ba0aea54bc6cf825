import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { EgressEndpoint, EgressPeer, PeerSelector } from './network-policy.js';
import { allowDnsEgressPolicy, allowEgressPolicy, allowIngressPolicy, defaultDenyPolicy } from './network-policy.js';
import { ManifestError } from './errors.js';
import { assertDnsLabel, withDefaults } from './validate.js';

/** ingress-nginx's namespace, the most common controller install. */
export const INGRESS_NGINX: PeerSelector = Object.freeze({
  namespaceLabels: Object.freeze({ 'kubernetes.io/metadata.name': 'ingress-nginx' }),
});

/** Labels of the deployer's pods (what serviceDeployment sets for the `deployer` service). */
export const DEPLOYER_POD_LABELS: Readonly<Record<string, string>> = Object.freeze({ 'app.kubernetes.io/name': 'deployer' });

/** Sluice's deployer pods in `sluice-system`: they send the pre-promotion check to a new color's pods. */
export const SLUICE_DEPLOYER: PeerSelector = Object.freeze({
  namespaceLabels: Object.freeze({ 'kubernetes.io/metadata.name': 'sluice-system' }),
  podLabels: DEPLOYER_POD_LABELS,
});

/** The policies of a namespace that runs untrusted code: test Jobs, build Jobs. */
export interface IsolatedNamespacePoliciesProps {
  readonly namespace: string;
  /** What its pods may reach outside the cluster: Git, the registry, package mirrors. @default [] (DNS only) */
  readonly endpoints?: readonly EgressEndpoint[];
  /** Pod and service CIDRs of the cluster; endpoints may not overlap them. @default [] */
  readonly clusterCidrs?: readonly string[];
  /** @default KUBE_DNS */
  readonly dns?: PeerSelector;
}

export type TestNamespacePoliciesProps = IsolatedNamespacePoliciesProps;
export type BuildNamespacePoliciesProps = IsolatedNamespacePoliciesProps;

/**
 * Nothing may connect in, and pods may reach only DNS and the listed
 * external endpoints. No selector-based egress is offered on purpose, so
 * production and sluice-system stay unreachable.
 */
function isolatedNamespacePolicies(props: IsolatedNamespacePoliciesProps): V1NetworkPolicy[] {
  const p = withDefaults(props, { endpoints: [], clusterCidrs: [] });
  const policies = [defaultDenyPolicy({ namespace: p.namespace }), allowDnsEgressPolicy({ namespace: p.namespace, dns: p.dns })];
  if (p.endpoints.length > 0) {
    policies.push(allowEgressPolicy({ namespace: p.namespace, name: 'allow-git-and-registry', endpoints: p.endpoints, forbiddenCidrs: p.clusterCidrs }));
  }
  return policies;
}

/** Test pods run untrusted code: isolated, reaching only DNS and the Git server, registry and mirrors the clone/install steps need. */
export function testNamespacePolicies(props: TestNamespacePoliciesProps): V1NetworkPolicy[] {
  return isolatedNamespacePolicies(props);
}

/**
 * Build pods run untrusted Dockerfiles with the registry push credentials
 * mounted: isolated like test pods, reaching only DNS, Git and the image
 * registry.
 */
export function buildNamespacePolicies(props: BuildNamespacePoliciesProps): V1NetworkPolicy[] {
  return isolatedNamespacePolicies(props);
}

export interface ProductionNamespacePoliciesProps {
  readonly namespace: string;
  /** Where the ingress controller runs. @default INGRESS_NGINX */
  readonly ingressController?: PeerSelector;
  /** Container ports the controller may reach. @default every port */
  readonly ports?: readonly number[];
  /**
   * The deployer's pods (a namespace and pod labels, never a whole namespace): before switching
   * traffic they send the pre-promotion check to the new color's pods, on the container port the
   * Application chose, so they are admitted on every port. @default SLUICE_DEPLOYER
   */
  readonly deployer?: PeerSelector;
}

/**
 * Staging and production pods accept connections only from the ingress
 * controller and from the deployer's pods (the pre-promotion check).
 * Egress is left to the application team (apps call their own databases and
 * APIs); only ingress is denied by default, which is what keeps test pods out.
 */
export function productionNamespacePolicies(props: ProductionNamespacePoliciesProps): V1NetworkPolicy[] {
  const builder = 'productionNamespacePolicies';
  const p = withDefaults(props, { ingressController: INGRESS_NGINX, deployer: SLUICE_DEPLOYER });
  if (Object.keys(p.deployer.podLabels ?? {}).length === 0) {
    throw new ManifestError('InvalidLabel', builder, 'deployer has no podLabels, which would admit every pod of its namespace; name the deployer pods, e.g. { "app.kubernetes.io/name": "deployer" }');
  }
  return [
    defaultDenyPolicy({ namespace: p.namespace, name: 'default-deny-ingress', policyTypes: ['Ingress'] }),
    allowIngressPolicy({ namespace: p.namespace, name: 'allow-from-ingress-controller', from: p.ingressController, ports: p.ports }),
    allowIngressPolicy({ namespace: p.namespace, name: 'allow-pre-promotion-check-from-deployer', from: p.deployer }),
  ];
}

export interface SystemNamespacePoliciesProps {
  /** @default 'sluice-system' */
  readonly namespace?: string;
  /** @default INGRESS_NGINX */
  readonly ingressController?: PeerSelector;
  /** Labels of the webhook-gateway pods. @default { 'app.kubernetes.io/name': 'webhook-gateway' } */
  readonly gatewayPodLabels?: Readonly<Record<string, string>>;
  /** The gateway's container port. @default 8080 */
  readonly gatewayPort?: number;
  /** External endpoints the services call: API server, GitLab. @default [] */
  readonly endpoints?: readonly EgressEndpoint[];
  /** In-cluster destinations, e.g. the OTLP collector. @default [] */
  readonly peers?: readonly EgressPeer[];
  /** Labels of the deployer pods. @default DEPLOYER_POD_LABELS */
  readonly deployerPodLabels?: Readonly<Record<string, string>>;
  /**
   * The staging and production namespaces the deployer rolls out to: its pods, and only they, may
   * reach every pod there on every port (the pre-promotion check goes to the container port the
   * Application chose). @default [] (no such egress)
   */
  readonly environments?: readonly string[];
  /** @default KUBE_DNS */
  readonly dns?: PeerSelector;
}

/**
 * sluice-system: deny everything, then let the gateway be reached from the
 * ingress controller only, let the services reach DNS, the API server,
 * GitLab and the collector, and let the deployer reach the applications'
 * pods in its environments. Controllers accept no connections at all.
 */
export function systemNamespacePolicies(props: SystemNamespacePoliciesProps = {}): V1NetworkPolicy[] {
  const p = withDefaults(props, {
    namespace: 'sluice-system',
    ingressController: INGRESS_NGINX,
    gatewayPodLabels: { 'app.kubernetes.io/name': 'webhook-gateway' },
    gatewayPort: 8080,
    endpoints: [],
    peers: [],
    deployerPodLabels: DEPLOYER_POD_LABELS,
    environments: [],
  });
  const builder = 'systemNamespacePolicies';
  for (const [i, env] of p.environments.entries()) assertDnsLabel(builder, `environments[${i}]`, env);
  if (p.environments.length > 0 && Object.keys(p.deployerPodLabels).length === 0) {
    throw new ManifestError('InvalidLabel', builder, 'deployerPodLabels is empty, which would let every pod of the namespace reach the environments; name the deployer pods');
  }
  const policies = [
    defaultDenyPolicy({ namespace: p.namespace }),
    allowDnsEgressPolicy({ namespace: p.namespace, dns: p.dns }),
    allowIngressPolicy({
      namespace: p.namespace,
      name: 'allow-gateway-from-ingress-controller',
      podLabels: p.gatewayPodLabels,
      from: p.ingressController,
      ports: [p.gatewayPort],
    }),
  ];
  if (p.endpoints.length > 0 || p.peers.length > 0) {
    policies.push(allowEgressPolicy({ namespace: p.namespace, name: 'allow-sluice-egress', endpoints: p.endpoints, peers: p.peers }));
  }
  if (p.environments.length > 0) {
    policies.push(
      allowEgressPolicy({
        namespace: p.namespace,
        name: 'allow-pre-promotion-check-to-environments',
        podLabels: p.deployerPodLabels,
        peers: [...new Set(p.environments)].map((env) => ({ peer: { namespaceLabels: { 'kubernetes.io/metadata.name': env } }, ports: 'any' as const })),
      }),
    );
  }
  return policies;
}
