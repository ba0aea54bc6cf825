import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { loggingErrorHandler, setGlobalErrorHandler } from '@opentelemetry/core';

/**
 * The slice of a logger telemetry needs; a pino logger fits. Telemetry only
 * warns: a collector being down must never be louder than the service's work.
 */
export interface TelemetryLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** How many diagnostics may be logged per window before the rest are counted, not logged. */
const BURST = 5;
const WINDOW_MS = 60_000;

/**
 * Routes the SDK's own warnings and export errors to `logger`, rate-limited so
 * an unreachable collector costs a few log lines a minute, not one per batch.
 * Returns a function that restores the SDK defaults (silence).
 */
export function installDiagnostics(logger: TelemetryLogger, now: () => number = Date.now): () => void {
  const allow = rateLimit(BURST, WINDOW_MS, now);
  const emit = (message: string, extra: unknown[]): void => {
    const suppressed = allow();
    if (suppressed === false) return;
    // Only messages and error text are logged: exporter errors can carry request details.
    const detail = extra.map(describe).filter(Boolean).join('; ');
    logger.warn({ telemetry: true, ...(detail && { detail }), ...(suppressed > 0 && { suppressed }) }, `telemetry: ${message}`);
  };
  const bridge: DiagLogger = {
    error: (message, ...extra) => emit(message, extra),
    warn: (message, ...extra) => emit(message, extra),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(bridge, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  setGlobalErrorHandler((error) => emit('export failed', [error]));
  return () => {
    diag.disable();
    setGlobalErrorHandler(loggingErrorHandler());
  };
}

/**
 * Allows `burst` calls per window. Returns false when a call must be dropped,
 * otherwise how many were dropped since the last allowed one.
 */
export function rateLimit(burst: number, windowMs: number, now: () => number): () => number | false {
  let windowStart = -Infinity;
  let used = 0;
  let dropped = 0;
  return () => {
    const t = now();
    if (t - windowStart >= windowMs) {
      windowStart = t;
      used = 0;
    }
    if (used >= burst) {
      dropped += 1;
      return false;
    }
    used += 1;
    const report = dropped;
    dropped = 0;
    return report;
  };
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  return '';
}
