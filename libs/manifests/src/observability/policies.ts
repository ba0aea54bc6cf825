import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { EgressEndpoint, EgressPeer, PeerSelector } from '../network-policy.js';
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
  /**
   * Where traces go, as NetworkPolicy sees it (after a Service's DNAT): Tempo's pods, or an address
   * range outside the cluster, with its OTLP/gRPC port.
   */
  readonly tempo: TelemetryEgress;
  /** Where the collector pushes metrics over OTLP/HTTP, if anywhere (policy `allow-collector-to-metrics-receiver`). @default none */
  readonly metricsReceiver?: TelemetryEgress;
  /** Pod and service CIDRs of the cluster; an address range above may not overlap them. @default [] */
  readonly clusterCidrs?: readonly string[];
  /** @default KUBE_DNS */
  readonly dns?: PeerSelector;
}

/** A destination of the collector: pods by selector, or an address range outside the cluster. */
export type TelemetryEgress = EgressPeer | EgressEndpoint;

function egressTo(namespace: string, name: string, podLabels: Readonly<Record<string, string>>, to: TelemetryEgress, forbiddenCidrs: readonly string[]): V1NetworkPolicy {
  return 'cidr' in to
    ? allowEgressPolicy({ namespace, name, podLabels, endpoints: [to], forbiddenCidrs })
    : allowEgressPolicy({ namespace, name, podLabels, peers: [to] });
}

/**
 * The collector's namespace: deny everything, then let Sluice's services
 * send OTLP to the collector, let Prometheus scrape it, and let it resolve
 * names and reach Tempo (and the metrics receiver, when set). Nothing else
 * gets in or out.
 */
export function observabilityNamespacePolicies(props: ObservabilityNamespacePoliciesProps): V1NetworkPolicy[] {
  const p = withDefaults(props, {
    collectorPodLabels: { 'app.kubernetes.io/name': 'otel-collector' },
    otlpPorts: [DEFAULT_COLLECTOR_PORTS.otlpHttp],
    metricsPort: DEFAULT_COLLECTOR_PORTS.metrics,
    clusterCidrs: [],
  });
  return [
    defaultDenyPolicy({ namespace: p.namespace }),
    allowDnsEgressPolicy({ namespace: p.namespace, dns: p.dns }),
    allowIngressPolicy({ namespace: p.namespace, name: 'allow-otlp-from-sluice', podLabels: p.collectorPodLabels, from: p.otlpFrom, ports: p.otlpPorts }),
    allowIngressPolicy({ namespace: p.namespace, name: 'allow-scrape-from-prometheus', podLabels: p.collectorPodLabels, from: p.scrapeFrom, ports: [p.metricsPort] }),
    egressTo(p.namespace, 'allow-collector-to-tempo', p.collectorPodLabels, p.tempo, p.clusterCidrs),
    ...(p.metricsReceiver ? [egressTo(p.namespace, 'allow-collector-to-metrics-receiver', p.collectorPodLabels, p.metricsReceiver, p.clusterCidrs)] : []),
  ];
}
