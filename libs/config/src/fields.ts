import { parseDuration } from './duration.js';
import type { DurationUnit } from './duration.js';
import { envField, quote } from './field.js';
import type { Conversion, EnvField } from './field.js';

const ok = <T>(value: T): Conversion<T> => ({ ok: true, value });
const bad: Conversion<never> = { ok: false };

function range(min: number | undefined, max: number | undefined, unit = ''): string {
  if (min !== undefined && max !== undefined) return ` between ${min}${unit} and ${max}${unit}`;
  if (min !== undefined) return ` of at least ${min}${unit}`;
  if (max !== undefined) return ` of at most ${max}${unit}`;
  return '';
}

function inRange(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min === undefined || value >= min) && (max === undefined || value <= max);
}

/** Bounds for numeric fields. */
export interface RangeOptions {
  readonly min?: number;
  readonly max?: number;
}

/** A whole number written in decimal, e.g. `SLUICE_CONCURRENCY=4`. */
export function integer(options: RangeOptions = {}): EnvField<number> {
  const { min, max } = options;
  return envField(`an integer${range(min, max)}`, (raw) => {
    if (!/^-?[0-9]+$/.test(raw)) return bad;
    const value = Number(raw);
    return Number.isSafeInteger(value) && inRange(value, min, max) ? ok(value) : bad;
  });
}

/** A TCP port, 1–65535. */
export function port(): EnvField<number> {
  return integer({ min: 1, max: 65535 });
}

/** Any non-empty text. Prefer a stricter field; never use this for secrets (see `readSecretFile`). */
export function string(): EnvField<string> {
  return envField('a non-empty value', ok);
}

/** One of a fixed set of words, compared case-insensitively and returned as listed. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T): EnvField<T[number]> {
  return envField<T[number]>(`one of ${values.join(', ')}`, (raw) => {
    const value = values.find((candidate) => candidate.toLowerCase() === raw.toLowerCase());
    return value === undefined ? bad : ok(value);
  });
}

/** pino's log levels. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A pino log level (`info`, `debug`, …). */
export function logLevel(): EnvField<LogLevel> {
  return oneOf(LOG_LEVELS);
}

/** `true`/`false` (any case) or `1`/`0`. Anything else is refused rather than guessed. */
export function boolean(): EnvField<boolean> {
  return envField('one of true, false, 1, 0', (raw) => {
    const value = raw.toLowerCase();
    if (value === 'true' || value === '1') return ok(true);
    if (value === 'false' || value === '0') return ok(false);
    return bad;
  });
}

// Credentials in a URL's user info must not reach an error message.
function redactUrl(raw: string): string {
  return quote(raw.replace(/\/\/[^/@]*@/, '//***@'));
}

/** An absolute URL whose scheme is one of `protocols` (default http and https). Returned as written. */
export function url(options: { readonly protocols?: readonly string[] } = {}): EnvField<string> {
  const protocols = options.protocols ?? ['http', 'https'];
  return envField(
    `an absolute ${protocols.join(' or ')} URL`,
    (raw) => {
      if (!URL.canParse(raw)) return bad;
      return protocols.includes(new URL(raw).protocol.slice(0, -1)) ? ok(raw) : bad;
    },
    redactUrl,
  );
}

/** Options for {@link duration}. */
export interface DurationOptions extends RangeOptions {
  /** Unit of the returned number, also assumed for bare numbers. `min`/`max` are in this unit. */
  readonly unit: DurationUnit;
}

/**
 * A duration written as `500ms`, `30s`, `5m`, `1h` or a bare number in
 * `unit`, returned as a number of `unit`s (`"2m"` with unit `s` → 120).
 */
export function duration(options: DurationOptions): EnvField<number> {
  const { unit, min, max } = options;
  const bare = unit === 's' ? 'seconds' : 'milliseconds';
  return envField(`a duration${range(min, max, unit)} such as 500ms, 30s, 5m or 1h (bare numbers are ${bare})`, (raw) => {
    const value = parseDuration(raw, unit);
    return value !== undefined && inRange(value, min, max) ? ok(value) : bad;
  });
}

/**
 * A comma-separated list, items trimmed and empty items dropped; at least
 * one item. Each item is parsed with `item` (default: kept as text).
 */
export function list(): EnvField<string[]>;
export function list<T>(item: EnvField<T>): EnvField<T[]>;
export function list<T>(item?: EnvField<T>): EnvField<(T | string)[]> {
  return envField<(T | string)[]>('a comma-separated list with at least one item', (raw) => {
    const parts = raw.split(',').map((part) => part.trim()).filter((part) => part !== '');
    if (parts.length === 0) return bad;
    if (item === undefined) return ok(parts);
    const values: T[] = [];
    for (const [index, part] of parts.entries()) {
      const result = item.safeParse(part);
      if (!result.success) return { ok: false, message: `item ${index + 1}: ${result.error.issues[0]?.message ?? 'invalid'}` };
      values.push(result.data);
    }
    return ok(values);
  });
}

/**
 * The absolute path of a file, typically a Secret mounted read-only. Only
 * the path is configuration; read the file with `readSecretFile`, apart from
 * parsing, so a missing mount fails with its own message.
 */
export function filePath(): EnvField<string> {
  return envField('an absolute file path', (raw) => (raw.startsWith('/') && !raw.includes('\0') ? ok(raw) : bad));
}
