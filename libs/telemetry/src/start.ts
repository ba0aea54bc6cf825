import { context, metrics, propagation, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { installDiagnostics, type TelemetryLogger } from './diagnostics.js';
import { createMetricExporter, createSpanExporter } from './exporters.js';
import { readTelemetrySettings, type MetricSettings, type TelemetryEnv, type TraceSettings } from './otel-env.js';

/** Options for {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name`, unless `OTEL_SERVICE_NAME` overrides it. */
  readonly serviceName: string;
  /** `service.version`. */
  readonly serviceVersion: string;
  /** The `OTEL_*` variables; apps pass `process.env`. */
  readonly env: TelemetryEnv;
  /** Receives rate-limited SDK warnings and export errors. Default: none are logged. */
  readonly logger?: TelemetryLogger;
  /** Upper bound on {@link Telemetry.shutdown}, flush included. Default 5000 ms. */
  readonly shutdownTimeoutMs?: number;
}

/** A running (or no-op) telemetry setup. */
export interface Telemetry {
  /** The service's tracer; a no-op tracer when traces are not exported. */
  readonly tracer: Tracer;
  /** The service's meter; a no-op meter when metrics are not exported. */
  readonly meter: Meter;
  /** Which signals leave the process, for the startup log line. */
  readonly exporting: { readonly traces: boolean; readonly metrics: boolean };
  /**
   * Flushes what is buffered and stops exporting. Resolves within the
   * configured timeout even when the collector is unreachable; never rejects;
   * safe to call more than once.
   */
  shutdown(): Promise<void>;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

/**
 * Sets up OpenTelemetry from the standard `OTEL_*` variables and registers it
 * globally (tracer and meter providers, W3C trace-context propagator, async
 * context), so libraries using `@opentelemetry/api` join the same traces.
 * With no endpoint and no exporter configured, or `OTEL_SDK_DISABLED=true`,
 * nothing is registered and nothing is sent.
 * Throws `TelemetryError` (code `invalid_env`) naming a variable it cannot honour.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  const settings = readTelemetrySettings(options.env);
  const { serviceVersion, logger } = options;
  const serviceName = settings.serviceName ?? options.serviceName;
  const exporting = { traces: settings.traces !== undefined, metrics: settings.metrics !== undefined };
  if (!exporting.traces && !exporting.metrics) {
    return {
      tracer: trace.getTracer(serviceName, serviceVersion),
      meter: metrics.getMeter(serviceName, serviceVersion),
      exporting,
      shutdown: () => Promise.resolve(),
    };
  }

  const uninstallDiagnostics = logger ? installDiagnostics(logger) : () => undefined;
  const resource = defaultResource().merge(
    resourceFromAttributes({
      ...settings.resourceAttributes,
      [ATTR_SERVICE_NAME]: serviceName,
      [ATTR_SERVICE_VERSION]: serviceVersion,
    }),
  );
  const tracerProvider = settings.traces && startTracing(settings.traces, resource);
  const meterProvider = settings.metrics && startMetrics(settings.metrics, resource);
  const timeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    (stopping ??= (async () => {
      const flushed = await settlesWithin(
        Promise.allSettled([tracerProvider?.shutdown(), meterProvider?.shutdown({ timeoutMillis: timeoutMs })]),
        timeoutMs,
      );
      if (!flushed) logger?.warn({ telemetry: true, timeoutMs }, 'telemetry: shutdown timed out, unsent telemetry dropped');
      // Back to the API's no-ops, so late calls are harmless and a later start can register again.
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
      uninstallDiagnostics();
    })());

  return {
    tracer: tracerProvider ? tracerProvider.getTracer(serviceName, serviceVersion) : trace.getTracer(serviceName, serviceVersion),
    meter: meterProvider ? meterProvider.getMeter(serviceName, serviceVersion) : metrics.getMeter(serviceName, serviceVersion),
    exporting,
    shutdown,
  };
}

function startTracing(settings: TraceSettings, resource: Resource): NodeTracerProvider {
  const processor = new BatchSpanProcessor(createSpanExporter(settings), {
    scheduledDelayMillis: settings.scheduledDelayMillis,
    exportTimeoutMillis: settings.exportTimeoutMillis,
    maxQueueSize: settings.maxQueueSize,
    maxExportBatchSize: Math.min(settings.maxExportBatchSize, settings.maxQueueSize),
  });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // No context manager: Sluice hands every span its parent explicitly (`startSpan(…, parent)`), so nothing reads
  // an "active" context. The default one (AsyncLocalStorage) switched on Node's async hooks at the first export,
  // and from then on every promise and socket the service made paid a hook call — 2.5× the gateway's CPU per webhook.
  provider.register({ propagator: new W3CTraceContextPropagator(), contextManager: null });
  return provider;
}

function startMetrics(settings: MetricSettings, resource: Resource): MeterProvider {
  const reader = new PeriodicExportingMetricReader({
    exporter: createMetricExporter(settings),
    exportIntervalMillis: settings.exportIntervalMillis,
    exportTimeoutMillis: settings.exportTimeoutMillis,
  });
  const provider = new MeterProvider({ resource, readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  return provider;
}

/** Resolves true when `work` settles in time, false on timeout; the timer never holds the process open. */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
