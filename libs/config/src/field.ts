import * as z from 'zod';

/**
 * A config field: reads one environment variable's string and produces a
 * typed value. Chain `.default(value)` or `.optional()` for unset variables.
 */
export type EnvField<T> = z.ZodType<T, string>;

/** The converted value, or a refusal; `message` replaces the usual "expected …, got …" sentence. */
export type Conversion<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message?: string };

const MAX_SHOWN = 80;

/** How a bad value is quoted in an error message: JSON-quoted and cut, so odd characters stay visible. */
export function quote(raw: string): string {
  return JSON.stringify(raw.length <= MAX_SHOWN ? raw : `${raw.slice(0, MAX_SHOWN)}…`);
}

/**
 * Builds an {@link EnvField}. `expected` completes "expected …" in error
 * messages; `convert` may give a whole message instead (e.g. naming a bad
 * list item). `show` decides how a bad value is echoed — fields that may carry
 * credentials redact them there.
 */
export function envField<T>(
  expected: string,
  convert: (raw: string) => Conversion<T>,
  show: (raw: string) => string = quote,
): EnvField<T> {
  const field = z
    .string({ error: (issue) => (issue.input === undefined ? `required; expected ${expected}` : `expected ${expected}`) })
    .transform((raw, ctx) => {
      const result = convert(raw);
      if (result.ok) return result.value;
      ctx.issues.push({ code: 'custom', message: result.message ?? `expected ${expected}, got ${show(raw)}`, input: undefined });
      return z.NEVER;
    });
  // zod types a transform's output as Awaited<T>, which TypeScript cannot equate with a generic T; T is never a promise here.
  return field as unknown as EnvField<T>;
}
