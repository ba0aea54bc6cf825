import { describe, expect, it } from 'vitest';
import { installManifests, type Manifest } from './install.js';
import { BASE, LOCAL, PRODUCTION_EXAMPLE, type InstallProfile } from './profile.js';

interface Peer {
  namespaceSelector?: { matchLabels?: Record<string, string> };
  podSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}
interface Rule {
  to?: Peer[];
  from?: Peer[];
  ports?: { port?: number; protocol?: string }[];
}
interface Policy extends Manifest {
  spec: { podSelector: { matchLabels?: Record<string, string> }; policyTypes?: string[]; ingress?: Rule[]; egress?: Rule[] };
}

const NS_LABEL = 'kubernetes.io/metadata.name';

function policies(profile: InstallProfile, namespace: string): Policy[] {
  return installManifests(profile).filter((m): m is Policy => m.kind === 'NetworkPolicy' && m.metadata.namespace === namespace);
}

/** Namespaces a peer can select by name (undefined: any namespace / not by namespace). */
function namespaceOf(peer: Peer): string | undefined {
  return peer.namespaceSelector?.matchLabels?.[NS_LABEL];
}

for (const [label, profile] of [['base', BASE], ['local', LOCAL], ['production-example', PRODUCTION_EXAMPLE]] as const) {
  describe(`NetworkPolicies of the ${label} install`, () => {
    const { system, test, build, production, staging } = profile.namespaces;

    for (const [kind, namespace, egress, other] of [
      ['test', test, profile.testEgress, build],
      ['build', build, profile.buildEgress, test],
    ] as const) {
      it(`denies everything in and out of the ${kind} namespace by default, and admits nothing in`, () => {
        const own = policies(profile, namespace);
        const deny = own.find((p) => (p.spec.ingress ?? []).length === 0 && (p.spec.egress ?? []).length === 0);
        expect(deny?.spec.podSelector).toEqual({});
        expect(deny?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        expect(own.flatMap((p) => p.spec.ingress ?? [])).toEqual([]);
      });

      it(`lets ${kind} pods resolve names: DNS on 53/UDP and 53/TCP to kube-system only`, () => {
        const dns = policies(profile, namespace).flatMap((p) => p.spec.egress ?? []).filter((r) => (r.ports ?? []).some((port) => port.port === 53));
        expect(dns).toHaveLength(1);
        expect(dns[0]!.ports).toEqual(expect.arrayContaining([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]));
        expect(dns[0]!.to!.map(namespaceOf)).toEqual(['kube-system']);
      });

      it(`never lets ${kind} pods reach production, staging, Sluice’s own namespace, the collector’s or ${other}`, () => {
        const forbidden = new Set([system, ...production, ...staging, profile.observability.namespace, other]);
        for (const rule of policies(profile, namespace).flatMap((p) => p.spec.egress ?? [])) {
          for (const peer of rule.to ?? []) {
            // A peer without a namespace name would match every namespace.
            if (!peer.ipBlock) expect(namespaceOf(peer)).toBeDefined();
            expect(forbidden.has(namespaceOf(peer) ?? '')).toBe(false);
            for (const cidr of profile.clusterCidrs) expect(peer.ipBlock?.cidr).not.toBe(cidr);
          }
        }
      });

      it(`allows ${kind} egress only to the configured Git/registry endpoints, on their ports`, () => {
        const external = policies(profile, namespace).flatMap((p) => p.spec.egress ?? []).filter((r) => (r.to ?? []).some((peer) => peer.ipBlock));
        const key = (cidr: string, ports: readonly (number | undefined)[]) => `${cidr}:${[...ports].sort((a, b) => a! - b!).join(',')}`;
        const allowed = external.flatMap((r) => (r.to ?? []).map((peer) => key(peer.ipBlock!.cidr, (r.ports ?? []).map((p) => p.port))));
        expect(allowed.sort()).toEqual(egress.map((e) => key(e.cidr, e.ports)).sort());
      });
    }

    it('admits traffic into production only from the ingress controller', () => {
      for (const namespace of production) {
        const sources = policies(profile, namespace).flatMap((p) => (p.spec.ingress ?? []).flatMap((r) => r.from ?? []));
        expect(sources.length).toBeGreaterThan(0);
        for (const peer of sources) expect(namespaceOf(peer)).toBe('ingress-nginx');
      }
    });

    it('lets only the gateway in Sluice’s namespace be reached, and only from the ingress controller', () => {
      const ingress = policies(profile, system).filter((p) => (p.spec.ingress ?? []).length > 0);
      expect(ingress.map((p) => p.spec.podSelector.matchLabels)).toEqual([expect.objectContaining({ 'app.kubernetes.io/name': 'webhook-gateway' })]);
      for (const peer of ingress.flatMap((p) => p.spec.ingress!.flatMap((r) => r.from ?? []))) expect(namespaceOf(peer)).toBe('ingress-nginx');
    });

    const obs = profile.observability;
    const collector = { 'app.kubernetes.io/name': 'otel-collector' };

    it('lets Sluice’s services reach the collector’s pods, and only on OTLP/HTTP (all they speak)', () => {
      const rules = policies(profile, system).flatMap((p) => p.spec.egress ?? []).filter((r) => (r.to ?? []).some((peer) => namespaceOf(peer) === obs.namespace));
      expect(rules).toEqual([{ ports: [{ port: 4318, protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { [NS_LABEL]: obs.namespace } }, podSelector: { matchLabels: collector } }] }]);
    });

    it('admits to the collector only OTLP from Sluice’s namespace and scrapes from Prometheus', () => {
      const own = policies(profile, obs.namespace);
      expect(own.find((p) => p.metadata.name === 'default-deny')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const ingress = own.flatMap((p) => (p.spec.ingress ?? []).map((r) => ({ pods: p.spec.podSelector.matchLabels, from: (r.from ?? []).map(namespaceOf), ports: (r.ports ?? []).map((x) => x.port) })));
      expect(ingress).toEqual([
        { pods: collector, from: [system], ports: [4318] },
        { pods: collector, from: [obs.prometheusNamespace], ports: [8889] },
      ]);
    });

    it('lets the collector reach only DNS and Tempo’s pods on Tempo’s port', () => {
      const egress = policies(profile, obs.namespace).flatMap((p) => p.spec.egress ?? []);
      const notDns = egress.filter((r) => !(r.ports ?? []).some((x) => x.port === 53));
      expect(notDns).toEqual([
        { ports: [{ port: Number(obs.tempo.endpoint.split(':')[1]), protocol: 'TCP' }], to: [{ namespaceSelector: { matchLabels: { [NS_LABEL]: obs.tempo.namespace } }, podSelector: { matchLabels: obs.tempo.podLabels } }] },
      ]);
      for (const peer of egress.flatMap((r) => r.to ?? [])) expect(peer.ipBlock).toBeUndefined();
    });
  });
}
