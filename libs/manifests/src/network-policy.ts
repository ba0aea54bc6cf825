import type { V1NetworkPolicy, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { cidrsOverlap, parseCidr } from './cidr.js';
import { ManifestError } from './errors.js';
import { MANAGED_BY, assertDnsLabel, assertDnsSubdomain, assertLabels, assertPort, mergeLabels, sortedRecord, withDefaults } from './validate.js';

/** Pods picked by namespace labels and, optionally, pod labels within those namespaces. */
export interface PeerSelector {
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** @default all pods in the matching namespaces */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** An address range outside the cluster (Git server, registry, package mirror) and the ports allowed to it. */
export interface EgressEndpoint {
  readonly cidr: string;
  /** At least one; an empty list would mean "every port". */
  readonly ports: readonly number[];
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/** Pods reached by selector (e.g. an in-cluster OTLP collector) and the ports allowed to them. */
export interface EgressPeer {
  readonly peer: PeerSelector;
  /**
   * At least one port, or `'any'`: every port, only for pods that choose their own ports (the
   * applications' pods the deployer checks before a switch). An empty list is refused.
   */
  readonly ports: readonly number[] | 'any';
}

/** kube-dns as deployed by kubeadm, kind and most managed clusters. */
export const KUBE_DNS: PeerSelector = Object.freeze({
  namespaceLabels: Object.freeze({ 'kubernetes.io/metadata.name': 'kube-system' }),
  podLabels: Object.freeze({ 'k8s-app': 'kube-dns' }),
});

function base(builder: string, namespace: string, name: string, podLabels: Readonly<Record<string, string>>): V1NetworkPolicy {
  assertDnsLabel(builder, 'namespace', namespace);
  assertDnsSubdomain(builder, 'name', name);
  assertLabels(builder, podLabels);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { labels: mergeLabels(builder, {}, MANAGED_BY), name, namespace },
    spec: { podSelector: Object.keys(podLabels).length === 0 ? {} : { matchLabels: sortedRecord(podLabels) } },
  };
}

function peerOf(builder: string, selector: PeerSelector): V1NetworkPolicyPeer {
  assertLabels(builder, selector.namespaceLabels);
  if (Object.keys(selector.namespaceLabels).length === 0) {
    // An empty namespaceSelector matches every namespace, test and production included.
    throw new ManifestError('InvalidLabel', builder, 'namespaceLabels is empty, which selects every namespace; name the namespace, e.g. { "kubernetes.io/metadata.name": "ingress-nginx" }');
  }
  const peer: V1NetworkPolicyPeer = { namespaceSelector: { matchLabels: sortedRecord(selector.namespaceLabels) } };
  if (selector.podLabels && Object.keys(selector.podLabels).length > 0) {
    assertLabels(builder, selector.podLabels);
    peer.podSelector = { matchLabels: sortedRecord(selector.podLabels) };
  }
  return peer;
}

function portsOf(builder: string, field: string, ports: readonly number[], protocol: 'TCP' | 'UDP'): V1NetworkPolicyPort[] {
  if (ports.length === 0) {
    throw new ManifestError('InvalidNumber', builder, `${field} is empty, which would allow every port; list the ports, e.g. [443]`);
  }
  for (const port of ports) assertPort(builder, field, port);
  return [...new Set(ports)].sort((a, b) => a - b).map((port) => ({ port, protocol }));
}

export interface DefaultDenyProps {
  readonly namespace: string;
  /** @default 'default-deny' */
  readonly name?: string;
  /** Directions denied for every pod in the namespace. @default ['Ingress', 'Egress'] */
  readonly policyTypes?: readonly ('Ingress' | 'Egress')[];
}

/** Selects every pod and allows nothing: other policies then open exactly what is needed. */
export function defaultDenyPolicy(props: DefaultDenyProps): V1NetworkPolicy {
  const p = withDefaults(props, { name: 'default-deny', policyTypes: ['Ingress', 'Egress'] } as const);
  const policy = base('defaultDenyPolicy', p.namespace, p.name, {});
  const types = (['Ingress', 'Egress'] as const).filter((t) => p.policyTypes.includes(t));
  if (types.length === 0) throw new ManifestError('UnknownValue', 'defaultDenyPolicy', 'policyTypes is empty, which denies nothing; use ["Ingress"], ["Egress"] or both');
  policy.spec = { ...policy.spec, policyTypes: types };
  return policy;
}

export interface AllowDnsProps {
  readonly namespace: string;
  /** @default 'allow-dns' */
  readonly name?: string;
  /** Where cluster DNS runs. @default KUBE_DNS (kube-system, k8s-app=kube-dns) */
  readonly dns?: PeerSelector;
}

/** Lets every pod in the namespace resolve names (UDP and TCP 53) via cluster DNS only. */
export function allowDnsEgressPolicy(props: AllowDnsProps): V1NetworkPolicy {
  const builder = 'allowDnsEgressPolicy';
  const p = withDefaults(props, { name: 'allow-dns', dns: KUBE_DNS });
  const policy = base(builder, p.namespace, p.name, {});
  policy.spec = {
    ...policy.spec,
    egress: [{ ports: [...portsOf(builder, 'dns ports', [53], 'UDP'), ...portsOf(builder, 'dns ports', [53], 'TCP')], to: [peerOf(builder, p.dns)] }],
    policyTypes: ['Egress'],
  };
  return policy;
}

export interface AllowEgressProps {
  readonly namespace: string;
  /** @default 'allow-egress' */
  readonly name?: string;
  /** Which pods the policy opens egress for. @default all pods in the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Out-of-cluster destinations by CIDR. @default [] */
  readonly endpoints?: readonly EgressEndpoint[];
  /** In-cluster destinations by selector. @default [] */
  readonly peers?: readonly EgressPeer[];
  /**
   * Ranges no endpoint may overlap — set the cluster's pod and service CIDRs
   * so a broad endpoint cannot quietly open the way into the cluster.
   * @default []
   */
  readonly forbiddenCidrs?: readonly string[];
}

/** Opens egress to the listed endpoints and peers, and nowhere else. */
export function allowEgressPolicy(props: AllowEgressProps): V1NetworkPolicy {
  const builder = 'allowEgressPolicy';
  const p = withDefaults(props, { name: 'allow-egress', podLabels: {}, endpoints: [], peers: [], forbiddenCidrs: [] });
  if (p.endpoints.length === 0 && p.peers.length === 0) {
    throw new ManifestError('InvalidCidr', builder, 'endpoints and peers are both empty, so the policy would allow nothing; list at least one, or omit this policy');
  }
  const forbidden = p.forbiddenCidrs.map((c, i) => ({ text: c, cidr: parseCidr(builder, `forbiddenCidrs[${i}]`, c) }));
  const endpointRules = p.endpoints.map((e, i) => {
    const cidr = parseCidr(builder, `endpoints[${i}].cidr`, e.cidr);
    if (cidr.prefix === 0) {
      throw new ManifestError('InvalidCidr', builder, `endpoints[${i}].cidr "${e.cidr}" allows the whole internet and the cluster; list the Git and registry ranges instead`);
    }
    const clash = forbidden.find((f) => cidrsOverlap(f.cidr, cidr));
    if (clash) {
      throw new ManifestError('InvalidCidr', builder, `endpoints[${i}].cidr "${e.cidr}" overlaps the cluster range "${clash.text}"; narrow it to the external endpoint`);
    }
    return { ports: portsOf(builder, `endpoints[${i}].ports`, e.ports, e.protocol ?? 'TCP'), to: [{ ipBlock: { cidr: e.cidr } }] };
  });
  const peerRules = p.peers.map((e, i) =>
    e.ports === 'any' ? { to: [peerOf(builder, e.peer)] } : { ports: portsOf(builder, `peers[${i}].ports`, e.ports, 'TCP'), to: [peerOf(builder, e.peer)] },
  );
  const policy = base(builder, p.namespace, p.name, p.podLabels);
  policy.spec = { ...policy.spec, egress: [...endpointRules, ...peerRules], policyTypes: ['Egress'] };
  return policy;
}

export interface AllowIngressProps {
  readonly namespace: string;
  /** @default 'allow-ingress' */
  readonly name?: string;
  /** Which pods may be reached. @default all pods in the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Who may connect; never "everyone". */
  readonly from: PeerSelector;
  /** Destination ports. @default every port of the selected pods */
  readonly ports?: readonly number[];
}

/** Opens ingress to the selected pods from one selected peer. */
export function allowIngressPolicy(props: AllowIngressProps): V1NetworkPolicy {
  const builder = 'allowIngressPolicy';
  const p = withDefaults(props, { name: 'allow-ingress', podLabels: {} });
  const policy = base(builder, p.namespace, p.name, p.podLabels);
  // client-node names the wire field `from` as `_from`; its serializer maps it back.
  const rule = p.ports === undefined
    ? { _from: [peerOf(builder, p.from)] }
    : { _from: [peerOf(builder, p.from)], ports: portsOf(builder, 'ports', p.ports, 'TCP') };
  policy.spec = { ...policy.spec, ingress: [rule], policyTypes: ['Ingress'] };
  return policy;
}
