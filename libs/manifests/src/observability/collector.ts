import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1Deployment, V1Service } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { hardenedContainerSecurityContext, hardenedPodSecurityContext } from '../pod-security.js';
import { checkedResources, type ComputeResources } from '../resources.js';
import { MANAGED_BY, assertDnsLabel, assertImage, mergeLabels, withDefaults } from '../validate.js';
import { DEFAULT_COLLECTOR_PORTS, otelCollectorConfig, type OtelCollectorConfig, type OtelCollectorConfigProps } from './collector-config.js';

/** Labels on every object of Sluice's telemetry pipeline (collector and dashboard). */
export const OBSERVABILITY_COMPONENT: Readonly<Record<string, string>> = Object.freeze({ 'app.kubernetes.io/component': 'observability', 'app.kubernetes.io/part-of': 'sluice' });

/** The collector image the configuration is written and tested for (collector-contrib: it has the `prometheus` exporter and `health_check`). */
export const DEFAULT_COLLECTOR_IMAGE = 'otel/opentelemetry-collector-contrib:0.140.1';

export interface OtelCollectorProps {
  /** Deployment, Service and pod label `app.kubernetes.io/name`. @default 'otel-collector' */
  readonly name?: string;
  readonly namespace: string;
  /** @default DEFAULT_COLLECTOR_IMAGE */
  readonly image?: string;
  /** What {@link otelCollectorConfig} builds the configuration from; its ports are also the container's and the Service's. @default {} */
  readonly config?: OtelCollectorConfigProps;
  /** @default requests 100m/128Mi, limits 500m/512Mi */
  readonly resources?: ComputeResources;
}

/** The collector's Kubernetes objects, in apply order. */
export interface OtelCollectorObjects {
  readonly configMap: V1ConfigMap;
  readonly deployment: V1Deployment;
  readonly service: V1Service;
}

/** The configuration file as the collector reads it. */
export function collectorConfigYaml(config: OtelCollectorConfig): string {
  return stringify(config, { lineWidth: 0 });
}

const CONFIG_DIR = '/conf';
const CONFIG_FILE = 'config.yaml';
const DEFAULT_RESOURCES: ComputeResources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } };

/**
 * An OpenTelemetry Collector as one Deployment with **one replica** (the
 * `prometheus` exporter keeps each sender's cumulative series in memory; two
 * replicas behind one Service would each hold part of them and Prometheus
 * would sum both), its configuration in a ConfigMap (a checksum annotation
 * rolls the pod when it changes), and a ClusterIP Service for OTLP and the
 * scrape endpoint. Runs as the `restricted` Pod Security Standard asks,
 * without a ServiceAccount token (it never calls the API server). The pod
 * carries `prometheus.io/*` annotations for annotation-based scraping.
 */
export function otelCollector(props: OtelCollectorProps): OtelCollectorObjects {
  const builder = 'otelCollector';
  const p = withDefaults(props, { name: 'otel-collector', image: DEFAULT_COLLECTOR_IMAGE, config: {}, resources: DEFAULT_RESOURCES });
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertImage(builder, 'image', p.image);
  const ports = { ...DEFAULT_COLLECTOR_PORTS, ...p.config.ports };
  const text = collectorConfigYaml(otelCollectorConfig(p.config));
  const selector = { 'app.kubernetes.io/name': p.name };
  const labels = mergeLabels(builder, {}, { ...MANAGED_BY, ...OBSERVABILITY_COMPONENT, ...selector });
  const configMapName = `${p.name}-config`;
  const probe = (periodSeconds: number) => ({ failureThreshold: 3, httpGet: { path: '/', port: 'health' }, periodSeconds, timeoutSeconds: 2 });

  const configMap: V1ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels, name: configMapName, namespace: p.namespace }, data: { [CONFIG_FILE]: text } };
  const deployment: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { labels, name: p.name, namespace: p.namespace },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      // One replica on purpose (see above): replace rather than run two side by side.
      strategy: { type: 'Recreate' },
      template: {
        metadata: {
          annotations: {
            'checksum/config': createHash('sha256').update(text).digest('hex'),
            'prometheus.io/path': '/metrics',
            'prometheus.io/port': String(ports.metrics),
            'prometheus.io/scrape': 'true',
          },
          labels,
        },
        spec: {
          automountServiceAccountToken: false,
          containers: [
            {
              // No `command`: the image's own entrypoint runs (collector-contrib's is /otelcol-contrib, other
              // distributions name their binary differently), so any collector image takes the same arguments.
              args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
              env: [{ name: 'MY_POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } }],
              image: p.image,
              imagePullPolicy: 'IfNotPresent',
              livenessProbe: probe(10),
              name: 'otel-collector',
              ports: [
                { containerPort: ports.otlpGrpc, name: 'otlp-grpc', protocol: 'TCP' },
                { containerPort: ports.otlpHttp, name: 'otlp-http', protocol: 'TCP' },
                { containerPort: ports.metrics, name: 'metrics', protocol: 'TCP' },
                { containerPort: ports.health, name: 'health', protocol: 'TCP' },
              ],
              readinessProbe: probe(5),
              resources: checkedResources(builder, p.resources),
              securityContext: hardenedContainerSecurityContext(),
              volumeMounts: [{ mountPath: CONFIG_DIR, name: 'config', readOnly: true }],
            },
          ],
          enableServiceLinks: false,
          securityContext: hardenedPodSecurityContext(),
          terminationGracePeriodSeconds: 30,
          volumes: [{ configMap: { items: [{ key: CONFIG_FILE, path: CONFIG_FILE }], name: configMapName }, name: 'config' }],
        },
      },
    },
  };
  const service: V1Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { labels, name: p.name, namespace: p.namespace },
    spec: {
      ports: [
        { name: 'otlp-grpc', port: ports.otlpGrpc, protocol: 'TCP', targetPort: 'otlp-grpc' },
        { name: 'otlp-http', port: ports.otlpHttp, protocol: 'TCP', targetPort: 'otlp-http' },
        { name: 'metrics', port: ports.metrics, protocol: 'TCP', targetPort: 'metrics' },
      ],
      selector,
      type: 'ClusterIP',
    },
  };
  return { configMap, deployment, service };
}
