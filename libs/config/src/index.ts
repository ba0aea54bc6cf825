/**
 * Configuration parsed once at the edge: apps describe their environment
 * variables with a zod object built from the field helpers, pass
 * `process.env` to `parseConfig` in `main.ts`, and get a frozen, typed
 * config or a `ConfigError` listing every problem. Secrets are files, read
 * with `readSecretFile`; no secret value ever appears in an error.
 */
export { ConfigError } from './config-error.js';
export type { ConfigErrorCode } from './config-error.js';
export { parseConfig } from './parse-config.js';
export type { DeepReadonly, Env } from './parse-config.js';
export type { EnvField } from './field.js';
export type { DurationUnit } from './duration.js';
export { LOG_LEVELS, boolean, duration, filePath, integer, list, logLevel, oneOf, port, string, url } from './fields.js';
export type { DurationOptions, LogLevel, RangeOptions } from './fields.js';
export { readSecretFile, readSecretFileLines } from './secret-file.js';
