import { describe, expect, it } from 'vitest';
import { observabilityNamespacePolicies } from './policies.js';

const ns = (name: string) => ({ namespaceLabels: { 'kubernetes.io/metadata.name': name } });

describe('observabilityNamespacePolicies', () => {
  const policies = observabilityNamespacePolicies({
    namespace: 'sluice-observability',
    otlpFrom: ns('sluice-system'),
    scrapeFrom: ns('monitoring'),
    tempo: { peer: { ...ns('monitoring'), podLabels: { 'app.kubernetes.io/name': 'tempo' } }, ports: [4317] },
  });
  const byName = Object.fromEntries(policies.map((p) => [p.metadata!.name, p.spec!]));

  it('denies everything by default', () => {
    expect(byName['default-deny']).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it("admits OTLP/HTTP from Sluice's namespace and scrapes from Prometheus, to the collector only", () => {
    expect(byName['allow-otlp-from-sluice']?.ingress).toEqual([{ _from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sluice-system' } } }], ports: [{ port: 4318, protocol: 'TCP' }] }]);
    expect(byName['allow-scrape-from-prometheus']?.ingress).toEqual([{ _from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8889, protocol: 'TCP' }] }]);
    for (const name of ['allow-otlp-from-sluice', 'allow-scrape-from-prometheus', 'allow-collector-to-tempo']) {
      expect(byName[name]?.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'otel-collector' } });
    }
  });

  it('lets the collector reach only DNS and Tempo', () => {
    const egress = policies.flatMap((p) => p.spec!.egress ?? []);
    expect(egress.flatMap((r) => r.ports!.map((p) => p.port))).toEqual([53, 53, 4317]);
    expect(byName['allow-collector-to-tempo']?.egress?.[0]?.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'tempo' } } }]);
  });

  it('reaches destinations outside the cluster by address range, and a metrics receiver when set', () => {
    const external = observabilityNamespacePolicies({
      namespace: 'sluice-observability',
      otlpFrom: ns('sluice-system'),
      scrapeFrom: ns('monitoring'),
      tempo: { cidr: '10.240.0.0/16', ports: [4317] },
      metricsReceiver: { cidr: '10.240.0.0/16', ports: [4328] },
      clusterCidrs: ['10.241.0.0/16'],
    });
    const egress = Object.fromEntries(external.map((p) => [p.metadata!.name, p.spec!.egress]));
    expect(egress['allow-collector-to-tempo']).toEqual([{ ports: [{ port: 4317, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.240.0.0/16' } }] }]);
    expect(egress['allow-collector-to-metrics-receiver']).toEqual([{ ports: [{ port: 4328, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.240.0.0/16' } }] }]);
    expect(byName['allow-collector-to-metrics-receiver']).toBeUndefined();
    expect(() =>
      observabilityNamespacePolicies({ namespace: 'o', otlpFrom: ns('s'), scrapeFrom: ns('m'), tempo: { cidr: '10.0.0.0/8', ports: [4317] }, clusterCidrs: ['10.241.0.0/16'] }),
    ).toThrow(/overlaps the cluster range/);
  });
});
