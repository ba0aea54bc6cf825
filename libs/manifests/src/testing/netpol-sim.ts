/**
 * A small NetworkPolicy evaluator for tests: "could this pod open this
 * connection?" under the standard semantics (policies are additive; a pod
 * selected by no policy of a direction is open in that direction). It is
 * deliberately strict where CNIs differ: `ipBlock` also matches pod IPs.
 * Takes builder output (`_from`) and wire objects (`from`) alike.
 */
import type { V1LabelSelector, V1NetworkPolicy, V1NetworkPolicyPeer, V1NetworkPolicyPort } from '@kubernetes/client-node';
import { cidrsOverlap, parseCidr } from '../cidr.js';

export interface SimPod {
  readonly namespace: string;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip: string;
}
export interface SimExternal {
  readonly ip: string;
}

function nsLabels(pod: SimPod): Readonly<Record<string, string>> {
  return { 'kubernetes.io/metadata.name': pod.namespace, ...pod.namespaceLabels };
}

function matches(selector: V1LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (selector?.matchExpressions?.length) throw new Error('netpol-sim: matchExpressions not supported');
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function ipIn(ip: string, cidr: string): boolean {
  const host = parseCidr('sim', 'ip', `${ip}/${ip.includes(':') ? 128 : 32}`);
  return cidrsOverlap(host, parseCidr('sim', 'cidr', cidr));
}

function peerMatches(peer: V1NetworkPolicyPeer, policyNamespace: string, other: SimPod | SimExternal): boolean {
  if (peer.ipBlock) {
    return ipIn(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => ipIn(other.ip, c));
  }
  if (!('namespace' in other)) return false;
  if (peer.namespaceSelector) {
    return matches(peer.namespaceSelector, nsLabels(other)) && matches(peer.podSelector, other.labels);
  }
  return other.namespace === policyNamespace && matches(peer.podSelector, other.labels);
}

function portMatches(ports: readonly V1NetworkPolicyPort[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port));
}

function allowed(policies: readonly V1NetworkPolicy[], direction: 'Ingress' | 'Egress', self: SimPod, other: SimPod | SimExternal, port: number, protocol: string): boolean {
  const applicable = policies.filter(
    (p) => p.metadata?.namespace === self.namespace && matches(p.spec?.podSelector, self.labels) && (p.spec?.policyTypes ?? ['Ingress']).includes(direction),
  );
  if (applicable.length === 0) return true;
  return applicable.some((p) => {
    const rules = direction === 'Egress'
      ? (p.spec?.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }))
      : (p.spec?.ingress ?? []).map((r) => ({ peers: r._from ?? (r as { from?: V1NetworkPolicyPeer[] }).from, ports: r.ports }));
    return rules.some(
      (r) => (!r.peers || r.peers.length === 0 || r.peers.some((peer) => peerMatches(peer, self.namespace, other))) && portMatches(r.ports, port, protocol),
    );
  });
}

/** Whether `from` may open a connection to `to` on `port`/`protocol` under `policies`. */
export function canConnect(policies: readonly V1NetworkPolicy[], from: SimPod, to: SimPod | SimExternal, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): boolean {
  const egress = allowed(policies, 'Egress', from, to, port, protocol);
  const ingress = 'namespace' in to ? allowed(policies, 'Ingress', to, from, port, protocol) : true;
  return egress && ingress;
}
