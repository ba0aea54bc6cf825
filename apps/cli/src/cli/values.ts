import { ENVIRONMENT_NAMES, type EnvironmentName } from '@sluice/delivery';
import { usage } from './errors.js';

/** Containers of the test Job (libs/manifests `TEST_JOB_CONTAINERS`) and of the build Job (`build`), for `sluice logs --container`. */
export const LOG_CONTAINERS = ['clone', 'install', 'test', 'build'] as const;
/** One of {@link LOG_CONTAINERS}. */
export type LogContainer = (typeof LOG_CONTAINERS)[number];

// A DNS-1123 subdomain: what Kubernetes accepts as an object or namespace name.
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Throws a usage error unless `value` can name a Kubernetes object (so it can go into a URL path). */
export function checkName(value: string, what: string): string {
  if (value.length > 253 || !NAME.test(value)) {
    throw usage(`"${value}" is not a valid ${what}: use lower-case letters, digits, "-" and "."`);
  }
  return value;
}

/** A count such as `--limit 5`: a whole number ≥ 0. */
export function parseCount(value: string, option: string): number {
  if (!/^\d{1,9}$/.test(value)) throw usage(`--${option} must be a whole number ≥ 0, got "${value}"`);
  return Number(value);
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest timer Node.js keeps: a longer `setTimeout` fires after 1 ms instead. */
export const MAX_DURATION_MS = 2_147_483_647;

/** A duration such as `30s`, `5m`, `1h`, `500ms`, or plain seconds; in milliseconds, at most {@link MAX_DURATION_MS}. */
export function parseDuration(value: string, option: string): number {
  const m = /^(\d{1,7})(ms|s|m|h)?$/.exec(value);
  if (!m) throw usage(`--${option} must be a duration such as 30s, 5m or 1h, got "${value}"`);
  const ms = Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000);
  if (ms > MAX_DURATION_MS) throw usage(`--${option} must be at most ${MAX_DURATION_MS}ms (596h, about 24 days), got "${value}"`);
  return ms;
}

/** An environment name (`production`, `staging`). */
export function parseEnvironment(value: string): EnvironmentName {
  const env = ENVIRONMENT_NAMES.find((e) => e === value);
  if (!env) throw usage(`--env must be one of ${ENVIRONMENT_NAMES.join(', ')}, got "${value}"`);
  return env;
}

/** One of the allowed `-o` formats. */
export function parseOutput<T extends string>(value: string, allowed: readonly T[]): T {
  const format = allowed.find((a) => a === value);
  if (!format) throw usage(`-o must be ${allowed.join(' or ')}, got "${value}"`);
  return format;
}

/** A step of the test or build Job. */
export function parseContainer(value: string): LogContainer {
  const container = LOG_CONTAINERS.find((c) => c === value);
  if (!container) throw usage(`--container must be one of ${LOG_CONTAINERS.join(', ')}, got "${value}"`);
  return container;
}
