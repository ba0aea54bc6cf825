import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { TelemetryError } from './errors.js';

/** Environment as the process sees it; `process.env` fits. */
export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** OTLP wire formats this service can speak (gRPC is deliberately not bundled). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Where and how one signal is exported over OTLP/HTTP. */
export interface OtlpSettings {
  /** Full URL including the signal path, e.g. `http://collector:4318/v1/traces`. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  /** Extra request headers (often credentials: never log them). */
  readonly headers: Readonly<Record<string, string>>;
  /** Per-request timeout of the exporter. */
  readonly timeoutMillis: number;
  readonly compression: 'gzip' | 'none';
}

/** Trace export settings: OTLP plus the batch span processor's knobs. */
export interface TraceSettings extends OtlpSettings {
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

/** Metric export settings: OTLP plus the periodic reader's knobs. */
export interface MetricSettings extends OtlpSettings {
  readonly exportIntervalMillis: number;
  readonly exportTimeoutMillis: number;
}

/** What the `OTEL_*` variables ask for; an absent signal is not exported. */
export interface TelemetrySettings {
  readonly traces: TraceSettings | undefined;
  readonly metrics: MetricSettings | undefined;
  /** `OTEL_SERVICE_NAME`, which overrides the name the app passes in. */
  readonly serviceName: string | undefined;
  /** `OTEL_RESOURCE_ATTRIBUTES`, merged under the service attributes. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
}

type Signal = 'TRACES' | 'METRICS';

const DEFAULT_BASE = 'http://localhost:4318';

/**
 * Reads the standard OpenTelemetry SDK variables (the subset Sluice honours)
 * into plain settings. Nothing configured means nothing exported, so a
 * developer running an app without a collector gets no connection errors.
 * Throws {@link TelemetryError} naming the variable when a value is unusable.
 */
export function readTelemetrySettings(env: TelemetryEnv): TelemetrySettings {
  const serviceName = get(env, 'OTEL_SERVICE_NAME');
  const resourceAttributes = parseKeyPairsIntoRecord(get(env, 'OTEL_RESOURCE_ATTRIBUTES'));
  if (get(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') {
    return { traces: undefined, metrics: undefined, serviceName, resourceAttributes };
  }
  const tracesOtlp = otlpFor(env, 'TRACES', 'OTEL_TRACES_EXPORTER', 'v1/traces');
  const metricsOtlp = otlpFor(env, 'METRICS', 'OTEL_METRICS_EXPORTER', 'v1/metrics');
  const traces: TraceSettings | undefined = tracesOtlp && {
    ...tracesOtlp,
    scheduledDelayMillis: positiveInt(env, 'OTEL_BSP_SCHEDULE_DELAY', 5_000),
    exportTimeoutMillis: positiveInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000),
    maxQueueSize: positiveInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2_048),
    maxExportBatchSize: positiveInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
  };
  let metrics: MetricSettings | undefined;
  if (metricsOtlp) {
    const exportIntervalMillis = positiveInt(env, 'OTEL_METRIC_EXPORT_INTERVAL', 60_000);
    // The periodic reader rejects a timeout longer than its interval; the SDK clamps too.
    const exportTimeoutMillis = Math.min(positiveInt(env, 'OTEL_METRIC_EXPORT_TIMEOUT', 30_000), exportIntervalMillis);
    metrics = { ...metricsOtlp, exportIntervalMillis, exportTimeoutMillis };
  }
  return { traces, metrics, serviceName, resourceAttributes };
}

function otlpFor(env: TelemetryEnv, signal: Signal, exporterVar: string, path: string): OtlpSettings | undefined {
  const exporter = get(env, exporterVar)?.toLowerCase();
  const specificEndpoint = get(env, `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`);
  const endpoint = get(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (exporter === 'none') return undefined;
  if (exporter !== undefined && exporter !== 'otlp') {
    throw new TelemetryError('invalid_env', `${exporterVar}="${exporter}" is not supported: use "otlp" or "none"`);
  }
  if (exporter === undefined && specificEndpoint === undefined && endpoint === undefined) return undefined;

  const url = specificEndpoint
    ? checkUrl(specificEndpoint, `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`)
    : checkUrl(`${(endpoint ?? DEFAULT_BASE).replace(/\/+$/, '')}/${path}`, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  return {
    url,
    protocol: protocolFor(env, signal),
    headers: {
      ...parseKeyPairsIntoRecord(get(env, 'OTEL_EXPORTER_OTLP_HEADERS')),
      ...parseKeyPairsIntoRecord(get(env, `OTEL_EXPORTER_OTLP_${signal}_HEADERS`)),
    },
    timeoutMillis: positiveInt(env, `OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`, positiveInt(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', 10_000)),
    compression: compressionFor(env, signal),
  };
}

function protocolFor(env: TelemetryEnv, signal: Signal): OtlpProtocol {
  const name = get(env, `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL`) ? `OTEL_EXPORTER_OTLP_${signal}_PROTOCOL` : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = get(env, name) ?? 'http/protobuf';
  if (value === 'http/protobuf' || value === 'http/json') return value;
  throw new TelemetryError('invalid_env', `${name}="${value}" is not supported: use "http/protobuf" or "http/json"`);
}

function compressionFor(env: TelemetryEnv, signal: Signal): 'gzip' | 'none' {
  const name = get(env, `OTEL_EXPORTER_OTLP_${signal}_COMPRESSION`) ? `OTEL_EXPORTER_OTLP_${signal}_COMPRESSION` : 'OTEL_EXPORTER_OTLP_COMPRESSION';
  const value = get(env, name) ?? 'none';
  if (value === 'gzip' || value === 'none') return value;
  throw new TelemetryError('invalid_env', `${name}="${value}" is not supported: use "gzip" or "none"`);
}

function checkUrl(value: string, name: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch (cause) {
    throw new TelemetryError('invalid_env', `${name}="${value}" is not a valid http(s) URL`, { cause });
  }
  throw new TelemetryError('invalid_env', `${name}="${value}" is not a valid http(s) URL`);
}

function positiveInt(env: TelemetryEnv, name: string, fallback: number): number {
  const raw = get(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) {
    throw new TelemetryError('invalid_env', `${name}="${raw}" must be a positive whole number`);
  }
  return Number(raw);
}

/** The spec treats an empty value like an unset one. */
function get(env: TelemetryEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
