import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { EgressPeer, PeerSelector } from '../network-policy.js';
import { allowDnsEgressPolicy, allowEgressPolicy, allowIngressPolicy, defaultDenyPolicy } from '../network-policy.js';
import { withDefaults } from '../validate.js';
import { DEFAULT_COLLECTOR_PORTS } from './collector-config.js';

export interface ObservabilityNamespacePoliciesProps {
  /** The collector's namespace. */
  readonly namespace: string;
  /** Labels of the collector pods. @default { 'app.kubernetes.io/name': 'otel-collector' } */
  readonly collectorPodLabels?: Readonly<Record<string, string>>;
  /** Who sends OTLP: Sluice's namespace. */
  readonly otlpFrom: PeerSelector;
  /** OTLP ports they may use. @default [4318] (OTLP/HTTP: all Sluice's services speak) */
  readonly otlpPorts?: readonly number[];
  /** Who scrapes the collector's `/metrics`: Prometheus. */
  readonly scrapeFrom: PeerSelector;
  /** @default 8889 */
  readonly metricsPort?: number;
  /** Where traces go: Tempo's pods and its OTLP/gRPC port. */
  readonly tempo: EgressPeer;
  /** @default KUBE_DNS */
  readonly dns?: PeerSelector;
}

/**
 * The collector's namespace: deny everything, then let Sluice's services
 * send OTLP to the collector, let Prometheus scrape it, and let it resolve
 * names and reach Tempo. Nothing else gets in or out.
 */
export function observabilityNamespacePolicies(props: ObservabilityNamespacePoliciesProps): V1NetworkPolicy[] {
  const p = withDefaults(props, {
    collectorPodLabels: { 'app.kubernetes.io/name': 'otel-collector' },
    otlpPorts: [DEFAULT_COLLECTOR_PORTS.otlpHttp],
    metricsPort: DEFAULT_COLLECTOR_PORTS.metrics,
  });
  return [
    defaultDenyPolicy({ namespace: p.namespace }),
    allowDnsEgressPolicy({ namespace: p.namespace, dns: p.dns }),
    allowIngressPolicy({ namespace: p.namespace, name: 'allow-otlp-from-sluice', podLabels: p.collectorPodLabels, from: p.otlpFrom, ports: p.otlpPorts }),
    allowIngressPolicy({ namespace: p.namespace, name: 'allow-scrape-from-prometheus', podLabels: p.collectorPodLabels, from: p.scrapeFrom, ports: [p.metricsPort] }),
    allowEgressPolicy({ namespace: p.namespace, name: 'allow-collector-to-tempo', podLabels: p.collectorPodLabels, peers: [p.tempo] }),
  ];
}
