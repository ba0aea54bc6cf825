import { describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import { buildNamespacePolicies, productionNamespacePolicies, systemNamespacePolicies, testNamespacePolicies } from './namespace-policies.js';
import { allowEgressPolicy, allowIngressPolicy, defaultDenyPolicy } from './network-policy.js';
import type { SimPod } from './testing/netpol-sim.js';
import { canConnect } from './testing/netpol-sim.js';

const CLUSTER_CIDRS = ['10.244.0.0/16', '10.96.0.0/12'];
const testPod: SimPod = { namespace: 'sluice-test', labels: { 'job-name': 'test-abc' }, ip: '10.244.1.5' };
const otherTestPod: SimPod = { namespace: 'sluice-test', labels: { 'job-name': 'test-def' }, ip: '10.244.1.6' };
const buildPod: SimPod = { namespace: 'sluice-build', labels: { 'job-name': 'build-abc' }, ip: '10.244.4.5' };
const otherBuildPod: SimPod = { namespace: 'sluice-build', labels: { 'job-name': 'build-def' }, ip: '10.244.4.6' };
const prodPod: SimPod = { namespace: 'production', labels: { app: 'shop', color: 'blue' }, ip: '10.244.2.7' };
const stagingPod: SimPod = { namespace: 'staging', labels: { app: 'shop', color: 'green' }, ip: '10.244.5.7' };
const gatewayPod: SimPod = { namespace: 'sluice-system', labels: { 'app.kubernetes.io/name': 'webhook-gateway' }, ip: '10.244.3.2' };
const deployerPod: SimPod = { namespace: 'sluice-system', labels: { 'app.kubernetes.io/name': 'deployer' }, ip: '10.244.3.3' };
const dnsPod: SimPod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.244.0.10' };
const ingressPod: SimPod = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ip: '10.244.0.20' };
const gitlab = { ip: '203.0.113.10' };
const apiServer = { ip: '198.51.100.1' };

const policies = [
  ...testNamespacePolicies({ namespace: 'sluice-test', endpoints: [{ cidr: '203.0.113.0/24', ports: [443] }], clusterCidrs: CLUSTER_CIDRS }),
  ...buildNamespacePolicies({ namespace: 'sluice-build', endpoints: [{ cidr: '203.0.113.0/24', ports: [443] }], clusterCidrs: CLUSTER_CIDRS }),
  ...productionNamespacePolicies({ namespace: 'production' }),
  ...productionNamespacePolicies({ namespace: 'staging' }),
  ...systemNamespacePolicies({ endpoints: [{ cidr: '198.51.100.0/24', ports: [443, 6443] }], environments: ['staging', 'production'] }),
];

describe('the simulator', () => {
  it('allows everything when there are no policies, so the denials below mean something', () => {
    expect(canConnect([], testPod, prodPod, 8080)).toBe(true);
    expect(canConnect([], testPod, gatewayPod, 8080)).toBe(true);
  });
});

const isolated = [
  ['test', testNamespacePolicies, testPod, otherTestPod],
  ['build', buildNamespacePolicies, buildPod, otherBuildPod],
] as const;

for (const [label, build, pod, otherPod] of isolated) {
  describe(`${label} namespace`, () => {
    it('can resolve names through cluster DNS over UDP and TCP', () => {
      expect(canConnect(policies, pod, dnsPod, 53, 'UDP')).toBe(true);
      expect(canConnect(policies, pod, dnsPod, 53, 'TCP')).toBe(true);
      expect(canConnect(policies, pod, dnsPod, 8080)).toBe(false);
    });

    it('reaches the configured Git/registry endpoints on their ports only', () => {
      expect(canConnect(policies, pod, gitlab, 443)).toBe(true);
      expect(canConnect(policies, pod, gitlab, 22)).toBe(false);
      expect(canConnect(policies, pod, { ip: '8.8.8.8' }, 443)).toBe(false);
    });

    it('cannot reach production, the Sluice services or the other isolated namespace', () => {
      for (const port of [80, 443, 8080]) {
        expect(canConnect(policies, pod, prodPod, port)).toBe(false);
        expect(canConnect(policies, pod, gatewayPod, port)).toBe(false);
        expect(canConnect(policies, pod, deployerPod, port)).toBe(false);
        expect(canConnect(policies, pod, pod === testPod ? buildPod : testPod, port)).toBe(false);
      }
    });

    it(`accepts no connections, not even from other ${label} pods`, () => {
      expect(canConnect(policies, otherPod, pod, 8080)).toBe(false);
      expect(canConnect(policies, ingressPod, pod, 8080)).toBe(false);
      expect(canConnect(policies, gatewayPod, pod, 8080)).toBe(false);
    });

    it('rejects endpoints that would open the cluster itself', () => {
      const withEndpoint = (cidr: string) => () => build({ namespace: pod.namespace, endpoints: [{ cidr, ports: [443] }], clusterCidrs: CLUSTER_CIDRS });
      expect(withEndpoint('10.0.0.0/8')).toThrow(/overlaps the cluster range "10.244.0.0\/16"; narrow it/);
      expect(withEndpoint('10.244.1.0/24')).toThrow(ManifestError);
      expect(withEndpoint('0.0.0.0/0')).toThrow(/whole internet/);
      expect(withEndpoint('::/0')).toThrow(/whole internet/);
      expect(withEndpoint('203.0.113.7/24')).toThrow(/host bits set/);
      expect(withEndpoint('not-a-cidr')).toThrow(/write a CIDR/);
    });

    it('has only DNS and external CIDRs as egress peers', () => {
      const egressPeers = policies
        .filter((p) => p.metadata?.namespace === pod.namespace)
        .flatMap((p) => p.spec?.egress ?? [])
        .flatMap((r) => r.to ?? []);
      expect(egressPeers.length).toBeGreaterThan(0);
      for (const peer of egressPeers) {
        if (peer.ipBlock) continue;
        expect(peer).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } });
      }
    });

    it('is default deny, DNS, and allow-git-and-registry', () => {
      const own = build({ namespace: pod.namespace, endpoints: [{ cidr: '203.0.113.0/24', ports: [443] }] });
      expect(own.map((p) => p.metadata?.name)).toEqual(['default-deny', 'allow-dns', 'allow-git-and-registry']);
      expect(build({ namespace: pod.namespace }).map((p) => p.metadata?.name)).toEqual(['default-deny', 'allow-dns']);
    });
  });
}

describe('production namespace', () => {
  it('accepts traffic from the ingress controller and the deployer only', () => {
    expect(canConnect(policies, ingressPod, prodPod, 8080)).toBe(true);
    expect(canConnect(policies, testPod, prodPod, 8080)).toBe(false);
    expect(canConnect(policies, buildPod, prodPod, 8080)).toBe(false);
    expect(canConnect(policies, gatewayPod, prodPod, 8080)).toBe(false);
    expect(canConnect(policies, stagingPod, prodPod, 8080)).toBe(false);
  });

  it("lets the deployer's pods, and no other pod of sluice-system, send the pre-promotion check on any port", () => {
    for (const target of [prodPod, stagingPod]) {
      for (const port of [80, 3000, 8080, 9999]) expect(canConnect(policies, deployerPod, target, port)).toBe(true);
      for (const other of [gatewayPod, { ...deployerPod, labels: { 'app.kubernetes.io/name': 'notifier' } }]) expect(canConnect(policies, other, target, 8080)).toBe(false);
      // A pod labelled like the deployer elsewhere is not the deployer.
      expect(canConnect(policies, { ...testPod, labels: { 'app.kubernetes.io/name': 'deployer' } }, target, 8080)).toBe(false);
    }
  });

  it('needs both sides: the namespace admits the deployer, sluice-system lets it out', () => {
    const withoutEgress = [...productionNamespacePolicies({ namespace: 'production' }), ...systemNamespacePolicies()];
    expect(canConnect(withoutEgress, deployerPod, prodPod, 8080)).toBe(false);
    const withoutIngress = [...policies.filter((p) => p.metadata?.name !== 'allow-pre-promotion-check-from-deployer')];
    expect(canConnect(withoutIngress, deployerPod, prodPod, 8080)).toBe(false);
  });

  it('refuses a deployer selector that would admit a whole namespace', () => {
    expect(() => productionNamespacePolicies({ namespace: 'production', deployer: { namespaceLabels: { 'kubernetes.io/metadata.name': 'sluice-system' } } })).toThrow(/no podLabels/);
    expect(() => systemNamespacePolicies({ environments: ['production'], deployerPodLabels: {} })).toThrow(/deployerPodLabels is empty/);
    expect(() => systemNamespacePolicies({ environments: ['Production'] })).toThrow(ManifestError);
  });

  it('follows a configured ingress controller selector', () => {
    const traefik: SimPod = { namespace: 'traefik', labels: {}, ip: '10.244.0.30' };
    const custom = productionNamespacePolicies({ namespace: 'production', ingressController: { namespaceLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, ports: [8080] });
    expect(canConnect(custom, traefik, prodPod, 8080)).toBe(true);
    expect(canConnect(custom, traefik, prodPod, 9090)).toBe(false);
    expect(canConnect(custom, ingressPod, prodPod, 8080)).toBe(false);
  });
});

describe('sluice-system namespace', () => {
  it('exposes the gateway to the ingress controller on its port only', () => {
    expect(canConnect(policies, ingressPod, gatewayPod, 8080)).toBe(true);
    expect(canConnect(policies, ingressPod, gatewayPod, 9090)).toBe(false);
    expect(canConnect(policies, prodPod, gatewayPod, 8080)).toBe(false);
    expect(canConnect(policies, ingressPod, deployerPod, 8080)).toBe(false);
  });

  it('lets the services reach DNS and the listed endpoints, nothing else', () => {
    expect(canConnect(policies, deployerPod, dnsPod, 53, 'UDP')).toBe(true);
    expect(canConnect(policies, deployerPod, apiServer, 6443)).toBe(true);
    expect(canConnect(policies, deployerPod, gitlab, 443)).toBe(false);
    expect(canConnect(policies, deployerPod, testPod, 8080)).toBe(false);
    expect(canConnect(policies, deployerPod, buildPod, 8080)).toBe(false);
    expect(canConnect(policies, gatewayPod, testPod, 8080)).toBe(false);
  });
});

describe('policy invariants', () => {
  it('never emits a rule without peers (which would mean "everyone"), nor egress to every port but the deployer\'s to its environments', () => {
    for (const policy of policies) {
      for (const rule of policy.spec?.egress ?? []) {
        expect(rule.to?.length).toBeGreaterThan(0);
        if (policy.metadata?.name === 'allow-pre-promotion-check-to-environments') {
          expect(policy.spec?.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'deployer' } });
          for (const peer of rule.to ?? []) expect(['staging', 'production']).toContain(peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']);
        } else {
          expect(rule.ports?.length).toBeGreaterThan(0);
        }
      }
      for (const rule of policy.spec?.ingress ?? []) expect(rule._from?.length).toBeGreaterThan(0);
    }
  });

  it('default deny selects every pod in both directions', () => {
    expect(defaultDenyPolicy({ namespace: 'sluice-test' }).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it('rejects selectors and port lists that would match everything', () => {
    expect(() => allowIngressPolicy({ namespace: 'production', from: { namespaceLabels: {} } })).toThrow(/selects every namespace/);
    expect(() => allowEgressPolicy({ namespace: 'sluice-test', endpoints: [{ cidr: '203.0.113.0/24', ports: [] }] })).toThrow(/every port/);
    expect(() => allowEgressPolicy({ namespace: 'sluice-test' })).toThrow(/allow nothing/);
    expect(() => defaultDenyPolicy({ namespace: 'sluice-test', policyTypes: [] })).toThrow(/denies nothing/);
  });

  it('is deterministic', () => {
    const again = [
      ...testNamespacePolicies({ namespace: 'sluice-test', endpoints: [{ cidr: '203.0.113.0/24', ports: [443] }], clusterCidrs: CLUSTER_CIDRS }),
      ...buildNamespacePolicies({ namespace: 'sluice-build', endpoints: [{ cidr: '203.0.113.0/24', ports: [443] }], clusterCidrs: CLUSTER_CIDRS }),
      ...productionNamespacePolicies({ namespace: 'production' }),
      ...productionNamespacePolicies({ namespace: 'staging' }),
      ...systemNamespacePolicies({ endpoints: [{ cidr: '198.51.100.0/24', ports: [6443, 443] }], environments: ['staging', 'production'] }),
    ];
    expect(JSON.stringify(again)).toBe(JSON.stringify(policies));
  });
});
