import type * as z from 'zod';
import { ConfigError } from './config-error.js';

/** `T` with every property and array element read-only, all the way down. */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? readonly DeepReadonly<U>[]
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

/** The environment as the app sees it (`process.env`), passed in rather than read here. */
export type Env = Readonly<Record<string, string | undefined>>;

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value as DeepReadonly<T>;
}

/**
 * Parses the variables `schema` declares (its keys are the variable names)
 * from `env` and returns a deeply frozen, typed config. Values are trimmed
 * and an empty value counts as unset, so defaults apply to `FOO=`. Only the
 * declared variables are read.
 *
 * @throws {ConfigError} code `invalid_config`, listing every missing or bad
 *   variable with what was expected. Call once in `main.ts`; print the
 *   message and exit 1.
 */
export function parseConfig<S extends z.ZodObject>(schema: S, env: Env): DeepReadonly<z.output<S>> {
  const input: Record<string, string | undefined> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = env[name]?.trim();
    input[name] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.map(String).join('.');
      // Fields not built with this library's helpers still say that the variable is unset.
      const message = input[name] === undefined && !issue.message.startsWith('required') ? `required; ${issue.message}` : issue.message;
      return `${name}: ${message}`;
    });
    throw new ConfigError('invalid_config', problems, { cause: result.error });
  }
  return deepFreeze(result.data);
}
