/** A running receiver: OTLP in, Jaeger's query API out. */
export interface TraceReceiver {
  /** OTLP/HTTP base endpoint for OTEL_EXPORTER_OTLP_ENDPOINT, e.g. http://127.0.0.1:43181 */
  readonly otlpHttpEndpoint: string;
  /** OTLP/gRPC endpoint host:port */
  readonly otlpGrpcEndpoint: string;
  /** Jaeger UI / query base URL */
  readonly queryUrl: string;
  /** All spans of one trace (empty array when unknown), normalised. */
  getTrace(traceId: string): Promise<ReceivedSpan[]>;
  /** Polls until `predicate(spans)` holds or timeout (default 30 s), returns the spans; throws with a readable dump on timeout. */
  waitForTrace(traceId: string, predicate: (spans: ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Service names that have reported spans. */
  services(): Promise<string[]>;
  stop(): Promise<void>;
}

/** One span as the receiver stored it, flattened out of OTLP's resource/scope nesting. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  serviceName: string;
  kind: string;
  startUnixNano: bigint;
  endUnixNano: bigint;
  statusCode: 'UNSET' | 'OK' | 'ERROR';
  statusMessage?: string;
  attributes: Record<string, string | number | boolean | string[]>;
  events: { name: string; timeUnixNano: bigint; attributes: Record<string, unknown> }[];
}
