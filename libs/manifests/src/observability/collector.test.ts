import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ManifestError } from '../errors.js';
import { otelCollectorConfig } from './collector-config.js';
import { collectorConfigYaml, otelCollector } from './collector.js';

type Config = {
  extensions: Record<string, { endpoint: string }>;
  receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
  processors: Record<string, unknown>;
  exporters: Record<string, { endpoint: string; tls?: { insecure: boolean }; encoding?: string }>;
  service: { extensions: string[]; pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
};

describe('otelCollectorConfig', () => {
  const config = otelCollectorConfig() as unknown as Config;

  it('receives OTLP over gRPC (4317) and HTTP (4318) on the pod IP', () => {
    expect(config.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '${env:MY_POD_IP}:4317' }, http: { endpoint: '${env:MY_POD_IP}:4318' } });
  });

  it('sends traces to Tempo and exposes metrics for Prometheus, each behind the memory limiter and a batch', () => {
    expect(config.service.pipelines).toEqual({
      traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/tempo'] },
      metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['prometheus'] },
    });
    expect(config.exporters['otlp/tempo']).toEqual({ endpoint: 'tempo:4317', tls: { insecure: true } });
    expect(config.exporters['prometheus']?.endpoint).toBe('${env:MY_POD_IP}:8889');
  });

  it('serves health checks for the probes', () => {
    expect(config.service.extensions).toEqual(['health_check']);
    expect(config.extensions['health_check']?.endpoint).toBe('${env:MY_POD_IP}:13133');
  });

  it("takes Tempo's endpoint, TLS and the ports from its props", () => {
    const custom = otelCollectorConfig({ tempoEndpoint: 'tempo-distributor.monitoring:4317', tempoInsecure: false, ports: { otlpHttp: 14318 }, bindAddress: '127.0.0.1' }) as unknown as Config;
    expect(custom.exporters['otlp/tempo']).toEqual({ endpoint: 'tempo-distributor.monitoring:4317', tls: { insecure: false } });
    expect(custom.receivers.otlp.protocols.http.endpoint).toBe('127.0.0.1:14318');
  });

  it('refuses a Tempo URL instead of host:port, and two listeners on one port, saying how to fix it', () => {
    expect(() => otelCollectorConfig({ tempoEndpoint: 'http://tempo:4317' })).toThrow(/tempoEndpoint "http:\/\/tempo:4317" is not host:port/);
    expect(() => otelCollectorConfig({ ports: { metrics: 4318 } })).toThrow(ManifestError);
  });

  it('keeps the OTLP/gRPC exporter named `otlp`, which both the default image (0.140) and later collectors accept', () => {
    expect(Object.keys(config.exporters)).toEqual(['otlp/tempo', 'prometheus']);
  });

  it('also pushes metrics over OTLP/HTTP when asked, next to the scrape endpoint', () => {
    const both = otelCollectorConfig({ metricsOtlpHttp: { endpoint: 'http://otel-receiver.o.svc:4328', encoding: 'json' } }) as unknown as Config;
    expect(both.exporters['otlphttp/metrics']).toEqual({ endpoint: 'http://otel-receiver.o.svc:4328', encoding: 'json' });
    expect(both.service.pipelines['metrics']?.exporters).toEqual(['prometheus', 'otlphttp/metrics']);
    expect(both.service.pipelines['traces']).toEqual(config.service.pipelines['traces']);
    const proto = otelCollectorConfig({ metricsOtlpHttp: { endpoint: 'https://metrics.example.com' } }) as unknown as Config;
    expect(proto.exporters['otlphttp/metrics']?.encoding).toBe('proto');
    expect(() => otelCollectorConfig({ metricsOtlpHttp: { endpoint: 'otel-receiver:4328' } })).toThrow(/is not an http\(s\) URL/);
  });

  it('serializes to YAML that reads back as the same configuration', () => {
    expect(parse(collectorConfigYaml(otelCollectorConfig()))).toEqual(otelCollectorConfig());
  });
});

describe('otelCollector', () => {
  const { configMap, deployment, service } = otelCollector({ namespace: 'sluice-observability', config: { tempoEndpoint: 'tempo.monitoring:4317' } });
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0]!;

  it('mounts the configuration from the ConfigMap read-only and starts the collector with it', () => {
    expect(parse(configMap.data!['config.yaml']!)).toEqual(otelCollectorConfig({ tempoEndpoint: 'tempo.monitoring:4317' }));
    const volume = pod.volumes!.find((v) => v.configMap?.name === configMap.metadata!.name)!;
    const mount = container.volumeMounts!.find((m) => m.name === volume.name)!;
    expect(mount.readOnly).toBe(true);
    expect(container.args).toEqual([`--config=${mount.mountPath}/config.yaml`]);
    // The image's own entrypoint runs: distributions name their binary differently (/otelcol-contrib, /otelcol).
    expect(container.command).toBeUndefined();
    expect(container.env).toEqual([{ name: 'MY_POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } }]);
  });

  it('rolls the pod when the configuration changes', () => {
    const other = otelCollector({ namespace: 'sluice-observability', config: { tempoEndpoint: 'tempo.other:4317' } });
    const checksum = (d: typeof deployment) => d.spec!.template.metadata!.annotations!['checksum/config'];
    expect(checksum(other.deployment)).not.toBe(checksum(deployment));
    expect(checksum(otelCollector({ namespace: 'sluice-observability', config: { tempoEndpoint: 'tempo.monitoring:4317' } }).deployment)).toBe(checksum(deployment));
  });

  it('runs one replica, hardened, without an API token, probed on the health check', () => {
    expect(deployment.spec!.replicas).toBe(1);
    expect(deployment.spec!.strategy?.type).toBe('Recreate');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/', port: 'health' });
    expect(container.ports!.find((p) => p.name === 'health')?.containerPort).toBe(13133);
  });

  it('offers OTLP and the scrape endpoint on its Service, and asks annotation-based Prometheus to scrape it', () => {
    expect(service.spec!.ports!.map((p) => [p.name, p.port])).toEqual([['otlp-grpc', 4317], ['otlp-http', 4318], ['metrics', 8889]]);
    expect(service.spec!.selector).toEqual(deployment.spec!.selector!.matchLabels);
    expect(deployment.spec!.template.metadata!.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8889', 'prometheus.io/path': '/metrics' });
  });

  it('uses the configured ports everywhere', () => {
    const moved = otelCollector({ namespace: 'o', config: { ports: { otlpHttp: 14318, metrics: 18889 } } });
    expect(moved.service.spec!.ports!.map((p) => p.port)).toEqual([4317, 14318, 18889]);
    expect(parse(moved.configMap.data!['config.yaml']!).receivers.otlp.protocols.http.endpoint).toBe('${env:MY_POD_IP}:14318');
  });
});
