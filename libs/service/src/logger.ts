import { hostname } from 'node:os';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger, Level } from 'pino';

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, written as `service` on every line. */
  readonly service: string;
  /** Lowest level written. Default `info`. */
  readonly level?: Level | 'silent';
  /** Where lines go. Default: stdout, written synchronously so nothing is lost on exit. */
  readonly destination?: DestinationStream;
}

const SECRET_KEYS = [
  'token',
  'accessToken',
  'privateToken',
  'password',
  'secret',
  'signingKey',
  'authorization',
  'cookie',
  '"x-gitlab-token"',
  '"webhook-signature"',
];

/**
 * Secret-looking keys at the top level, one level down, and inside `headers`
 * objects one or two levels down. Redaction is a safety net: callers still must
 * not put credentials in log fields in the first place.
 */
export const REDACTED_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => {
  const prop = key.startsWith('"') ? `[${key}]` : `.${key}`;
  return [key.startsWith('"') ? `[${key}]` : key, `*${prop}`, `headers${prop}`, `*.headers${prop}`];
});

/**
 * Structured JSON logger for a Sluice service: one JSON object per line with
 * ISO `time`, textual `level`, `service`, `pid` and `hostname` (the pod name in
 * Kubernetes). Values under secret-looking keys are replaced by `[redacted]`.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** Identity of a Delivery for log lines, matching the fields dashboards filter on. */
export interface DeliveryLogFields {
  /** The Delivery's name. */
  readonly deliveryId: string;
  /** Namespace the work happens in (e.g. the test or production namespace). */
  readonly namespace?: string;
  /** Commit SHA being delivered. */
  readonly sha?: string;
}

/** Child logger whose every line carries the Delivery's id, namespace and SHA. */
export function deliveryLogger(logger: Logger, fields: DeliveryLogFields): Logger {
  const { deliveryId, namespace, sha } = fields;
  return logger.child({ deliveryId, ...(namespace && { namespace }), ...(sha && { sha }) });
}
