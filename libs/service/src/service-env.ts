import { duration, logLevel, port, string } from '@sluice/config';

/** Options for {@link serviceEnv}. */
export interface ServiceEnvOptions {
  /** `SLUICE_PORT` when unset; each app has its own so they can run side by side locally. */
  readonly defaultPort: number;
}

/**
 * The config fields every Sluice app shares, to spread into the app's schema:
 * `z.object({ ...serviceEnv({ defaultPort: 8080 }), ...appFields })`.
 *
 * - `SLUICE_PORT` (default per app): HTTP port for probes and the app's API.
 * - `SLUICE_HOST` (default `0.0.0.0`): interface to bind.
 * - `SLUICE_LOG_LEVEL` (default `info`): pino level.
 * - `SLUICE_SHUTDOWN_TIMEOUT` (default `10s`): bound on graceful shutdown; keep
 *   it below the pod's `terminationGracePeriodSeconds`.
 */
export function serviceEnv(options: ServiceEnvOptions) {
  return {
    SLUICE_PORT: port().default(options.defaultPort),
    SLUICE_HOST: string().default('0.0.0.0'),
    SLUICE_LOG_LEVEL: logLevel().default('info'),
    SLUICE_SHUTDOWN_TIMEOUT: duration({ unit: 'ms', min: 100, max: 600_000 }).default(10_000),
  };
}
