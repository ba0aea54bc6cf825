import { ManifestError } from '../errors.js';
import { assertPort, withDefaults } from '../validate.js';

/** Ports the collector listens on. */
export interface CollectorPorts {
  /** OTLP/gRPC receiver. @default 4317 */
  readonly otlpGrpc?: number;
  /** OTLP/HTTP receiver (what Sluice's services send to). @default 4318 */
  readonly otlpHttp?: number;
  /** Prometheus scrape endpoint (`/metrics`). @default 8889 */
  readonly metrics?: number;
  /** `health_check` extension (liveness and readiness). @default 13133 */
  readonly health?: number;
}

export interface OtelCollectorConfigProps {
  /** Tempo's OTLP/gRPC endpoint, `host:port`. @default 'tempo:4317' */
  readonly tempoEndpoint?: string;
  /** Plaintext gRPC to Tempo (an in-cluster Tempo usually has no TLS). @default true */
  readonly tempoInsecure?: boolean;
  /** @default the defaults of {@link CollectorPorts} */
  readonly ports?: CollectorPorts;
  /**
   * Address every listener binds to. The default binds to the pod's own IP
   * (the `MY_POD_IP` variable the Deployment sets from the Downward API; the
   * collector reads `${env:…}` itself), as the collector's own chart does.
   * @default '${env:MY_POD_IP}'
   */
  readonly bindAddress?: string;
  /** How long a series nobody updates (e.g. of a pod that is gone) stays on the scrape endpoint; services export every minute. @default '5m' */
  readonly metricExpiration?: string;
  /**
   * Also push metrics over OTLP/HTTP (exporter `otlphttp/metrics`, next to the `prometheus` exporter,
   * which stays): to a receiver that takes OTLP rather than scraping. @default none
   */
  readonly metricsOtlpHttp?: MetricsOtlpHttp;
}

/** An OTLP/HTTP metrics receiver the collector pushes to. */
export interface MetricsOtlpHttp {
  /** Base URL with scheme and port, e.g. `http://otel-receiver.monitoring.svc:4318`; the exporter appends `/v1/metrics`. */
  readonly endpoint: string;
  /** Payload encoding. @default 'proto' */
  readonly encoding?: 'proto' | 'json';
}

/** Exporter name of {@link OtelCollectorConfigProps.metricsOtlpHttp}. */
export const METRICS_OTLP_HTTP_EXPORTER = 'otlphttp/metrics';

/** The ports with defaults applied. */
export const DEFAULT_COLLECTOR_PORTS: Readonly<Required<CollectorPorts>> = Object.freeze({ otlpGrpc: 4317, otlpHttp: 4318, metrics: 8889, health: 13133 });

/** An OpenTelemetry Collector configuration, as plain data (serialize it as YAML). */
export type OtelCollectorConfig = Readonly<Record<string, unknown>>;

/**
 * The collector Sluice's services export to: OTLP in (gRPC and HTTP), a
 * memory limiter first and a batch processor, traces out to Tempo over
 * OTLP/gRPC, metrics out on a Prometheus scrape endpoint (the `prometheus`
 * exporter: metric names get unit and `_total` suffixes, attribute keys
 * become labels with `_` for `.`, `service.name`/`service.instance.id`
 * become `job`/`instance`), optionally metrics also pushed over OTLP/HTTP,
 * and a `health_check` extension for the probes. Every component is in the
 * collector-contrib distribution.
 */
export function otelCollectorConfig(props: OtelCollectorConfigProps = {}): OtelCollectorConfig {
  const builder = 'otelCollectorConfig';
  const p = withDefaults(props, { tempoEndpoint: 'tempo:4317', tempoInsecure: true, ports: {}, bindAddress: '${env:MY_POD_IP}', metricExpiration: '5m' });
  const ports = { ...DEFAULT_COLLECTOR_PORTS, ...p.ports };
  for (const [name, port] of Object.entries(ports)) assertPort(builder, `ports.${name}`, port);
  if (new Set(Object.values(ports)).size !== Object.keys(ports).length) {
    throw new ManifestError('InvalidNumber', builder, `ports ${JSON.stringify(ports)} must all differ; give each listener its own port`);
  }
  if (!/^[^\s:/]+:[0-9]{1,5}$/.test(p.tempoEndpoint)) {
    throw new ManifestError('UnknownValue', builder, `tempoEndpoint "${p.tempoEndpoint}" is not host:port; use e.g. "tempo.monitoring:4317" (Tempo's OTLP/gRPC port)`);
  }
  if (p.metricsOtlpHttp) checkOtlpHttpEndpoint(builder, p.metricsOtlpHttp.endpoint);
  const at = (port: number) => `${p.bindAddress}:${port}`;
  const metricsOtlpHttp = p.metricsOtlpHttp && { [METRICS_OTLP_HTTP_EXPORTER]: { endpoint: p.metricsOtlpHttp.endpoint, encoding: p.metricsOtlpHttp.encoding ?? 'proto' } };
  return {
    extensions: { health_check: { endpoint: at(ports.health) } },
    receivers: {
      otlp: { protocols: { grpc: { endpoint: at(ports.otlpGrpc) }, http: { endpoint: at(ports.otlpHttp) } } },
    },
    processors: {
      // First in every pipeline: refuses data before the pod runs out of memory (limits come from the container's cgroup).
      memory_limiter: { check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 },
      batch: {},
    },
    exporters: {
      // `otlp`, not `otlp_grpc`: collectors from v0.16x register the OTLP/gRPC exporter as `otlp_grpc` and keep
      // `otlp` as a deprecated alias, while DEFAULT_COLLECTOR_IMAGE (0.140) knows only `otlp`.
      'otlp/tempo': { endpoint: p.tempoEndpoint, tls: { insecure: p.tempoInsecure } },
      prometheus: { endpoint: at(ports.metrics), metric_expiration: p.metricExpiration },
      ...metricsOtlpHttp,
    },
    service: {
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['otlp/tempo'] },
        metrics: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['prometheus', ...(metricsOtlpHttp ? [METRICS_OTLP_HTTP_EXPORTER] : [])] },
      },
    },
  };
}

function checkOtlpHttpEndpoint(builder: string, endpoint: string): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ManifestError(
      'UnknownValue',
      builder,
      `metricsOtlpHttp.endpoint "${endpoint}" is not an http(s) URL; use e.g. "http://otel-receiver.monitoring.svc:4318" (the exporter appends /v1/metrics)`,
    );
  }
}
