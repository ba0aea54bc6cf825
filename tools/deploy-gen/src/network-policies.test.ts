import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { canConnect, type SimPod } from '@sluice/manifests/testing';
import { describe, expect, it } from 'vitest';
import { endpointPort, installManifests, type Manifest } from './install.js';
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

    it('admits traffic into staging and production only from the ingress controller and, on any port, the deployer’s pods', () => {
      for (const namespace of [...staging, ...production]) {
        const rules = policies(profile, namespace).flatMap((p) => (p.spec.ingress ?? []).map((r) => ({ policy: p.metadata.name, pods: p.spec.podSelector, rule: r })));
        expect(rules.map((r) => r.policy).sort()).toEqual(['allow-from-ingress-controller', 'allow-pre-promotion-check-from-deployer']);
        for (const { policy, rule } of rules) {
          const expected = policy === 'allow-from-ingress-controller'
            ? [{ namespaceSelector: { matchLabels: { [NS_LABEL]: 'ingress-nginx' } } }]
            : [{ namespaceSelector: { matchLabels: { [NS_LABEL]: system } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'deployer' } } }];
          expect(rule.from).toEqual(expected);
        }
        expect(rules.find((r) => r.policy === 'allow-pre-promotion-check-from-deployer')).toEqual({ policy: 'allow-pre-promotion-check-from-deployer', pods: {}, rule: { from: expect.any(Array) } });
      }
    });

    it('lets only the deployer’s pods out of Sluice’s namespace to the staging and production pods, on any port', () => {
      const targets = new Set([...staging, ...production]);
      const rules = policies(profile, system).flatMap((p) => (p.spec.egress ?? []).map((r) => ({ pods: p.spec.podSelector, rule: r })));
      const toTargets = rules.filter(({ rule }) => (rule.to ?? []).some((peer) => targets.has(namespaceOf(peer) ?? '')));
      expect(toTargets.flatMap(({ rule }) => (rule.to ?? []).map(namespaceOf)).sort()).toEqual([...targets].sort());
      for (const { pods, rule } of toTargets) {
        expect(pods).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'deployer' } });
        expect(rule.ports).toBeUndefined();
        for (const peer of rule.to ?? []) expect(peer.podSelector).toBeUndefined();
      }
      // Every other egress rule of the namespace names its ports.
      for (const { rule } of rules.filter((r) => !toTargets.includes(r))) expect(rule.ports?.length).toBeGreaterThan(0);
    });

    describe('simulated', () => {
      const all = installManifests(profile).filter((m) => m.kind === 'NetworkPolicy') as unknown as V1NetworkPolicy[];
      const pod = (namespace: string, labels: Record<string, string>, ip: string): SimPod => ({ namespace, labels, ip });
      const name = (n: string) => ({ 'app.kubernetes.io/name': n });
      const deployer = pod(system, name('deployer'), '10.241.0.3');
      const others = (['webhook-gateway', 'test-runner', 'notifier'] as const).map((s, i) => pod(system, name(s), `10.241.0.${10 + i}`));
      const testPod = pod(test, { 'job-name': 'test-abc' }, '10.241.0.20');
      const buildPod = pod(build, { 'job-name': 'build-abc' }, '10.241.0.21');
      const collectorPod = pod(profile.observability.namespace, name('otel-collector'), '10.241.0.22');
      const ingressPod = pod('ingress-nginx', name('ingress-nginx'), '10.241.0.23');
      const apps = [...staging, ...production].map((ns, i) => pod(ns, { app: 'shop', color: 'green' }, `10.241.1.${i + 1}`));

      it('lets the deployer send the pre-promotion check to every staging and production pod, on any port', () => {
        for (const app of apps) for (const port of [80, 3000, 8080, 9999]) expect(canConnect(all, deployer, app, port), `${app.namespace}:${port}`).toBe(true);
      });

      it('keeps staging and production closed to test and build pods, the other services and the collector', () => {
        for (const app of apps) {
          for (const from of [testPod, buildPod, collectorPod, ...others]) expect(canConnect(all, from, app, 8080), `${from.namespace}/${JSON.stringify(from.labels)} → ${app.namespace}`).toBe(false);
          // Labels alone do not make a pod the deployer.
          expect(canConnect(all, { ...testPod, labels: name('deployer') }, app, 8080)).toBe(false);
          expect(canConnect(all, ingressPod, app, 8080)).toBe(true);
        }
      });

      it('keeps Sluice’s namespace closed to test and build pods, and the deployer closed to everyone', () => {
        for (const from of [testPod, buildPod, ...apps]) {
          expect(canConnect(all, from, deployer, 8082)).toBe(false);
          for (const to of others) expect(canConnect(all, from, to, 8080)).toBe(false);
        }
        expect(canConnect(all, ingressPod, deployer, 8082)).toBe(false);
      });
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

    it('lets the collector reach only DNS, Tempo and the metrics receiver (when set), each on its port', () => {
      const egress = policies(profile, obs.namespace).flatMap((p) => p.spec.egress ?? []);
      const notDns = egress.filter((r) => !(r.ports ?? []).some((x) => x.port === 53));
      const expected = [obs.tempo, ...(obs.metricsOtlpHttp ? [obs.metricsOtlpHttp] : [])].map((d) => ({
        ports: [{ port: endpointPort(d.endpoint), protocol: 'TCP' }],
        to: ['cidr' in d.peer ? { ipBlock: { cidr: d.peer.cidr } } : { namespaceSelector: { matchLabels: { [NS_LABEL]: d.peer.namespace } }, podSelector: { matchLabels: d.peer.podLabels } }],
      }));
      expect(notDns).toEqual(expected);
      for (const peer of egress.flatMap((r) => r.to ?? [])) if (peer.ipBlock) for (const cidr of profile.clusterCidrs) expect(peer.ipBlock.cidr).not.toBe(cidr);
    });
  });
}
