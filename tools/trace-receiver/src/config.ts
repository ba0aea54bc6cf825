/** The ports one receiver listens on, on 127.0.0.1 but for OTLP/gRPC's own address. */
export interface ReceiverPorts {
  readonly otlpGrpc: number;
  /** Where OTLP/gRPC listens (default 127.0.0.1): e.g. the host side of a local node's link, for an in-cluster collector. */
  readonly otlpGrpcHost?: string;
  readonly otlpHttp: number;
  readonly queryHttp: number;
  readonly queryGrpc: number;
}

/**
 * Jaeger v2 configuration (an OpenTelemetry Collector config): OTLP gRPC and
 * HTTP receivers straight into the in-memory store, the query API/UI on its
 * own port, and nothing else listening — no metrics endpoint, no self-tracing,
 * so several receivers can run side by side. Pure.
 */
export function jaegerConfig(ports: ReceiverPorts, maxTraces = 100_000): string {
  return `# Written by @sluice/trace-receiver.
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: []
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
      encoding: console

extensions:
  jaeger_storage:
    backends:
      memstore:
        memory:
          max_traces: ${maxTraces}
  jaeger_query:
    storage:
      traces: memstore
    enable_tracing: false
    http:
      endpoint: 127.0.0.1:${ports.queryHttp}
    grpc:
      endpoint: 127.0.0.1:${ports.queryGrpc}

receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${ports.otlpGrpcHost ?? '127.0.0.1'}:${ports.otlpGrpc}
      http:
        endpoint: 127.0.0.1:${ports.otlpHttp}

exporters:
  jaeger_storage_exporter:
    trace_storage: memstore
`;
}
