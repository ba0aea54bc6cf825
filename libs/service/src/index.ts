/**
 * The process shell every Sluice app shares: structured logging, probe
 * endpoints, and serving with a bounded, signal-driven shutdown.
 */
export { createLogger, deliveryLogger, REDACTED_PATHS } from './logger.js';
export type { Logger, Level, LoggerOptions, DeliveryLogFields } from './logger.js';
export { healthRoutes, type HealthOptions } from './health.js';
export { Readiness, SHUTDOWN_CHECK } from './readiness.js';
export type { ReadinessCheck, ReadinessReport, CheckOutcome } from './readiness.js';
export { runService } from './run-service.js';
export type { RunServiceOptions, RunningService, ShutdownHook, SignalSource, FetchHandler, Preflight } from './run-service.js';
export { ServiceError, type ServiceErrorCode } from './errors.js';
export { launch, type LaunchOptions } from './launch.js';
export { serviceEnv, type ServiceEnvOptions } from './service-env.js';
