import type * as z from 'zod';

/** Closed set of {@link DeliveryModelError} codes. */
export type DeliveryModelErrorCode = 'invalid_application' | 'invalid_delivery';

const SUBJECT: Record<DeliveryModelErrorCode, string> = {
  invalid_application: 'Invalid Application',
  invalid_delivery: 'Invalid Delivery',
};

/**
 * An Application or Delivery that does not satisfy the model. Returned as a
 * value by the parse functions; `problems` holds one readable line per
 * problem (`spec.rules[0].environments[0]: …`) for logs, events and status.
 */
export class DeliveryModelError extends Error {
  override readonly name = 'DeliveryModelError';
  readonly code: DeliveryModelErrorCode;
  readonly problems: readonly string[];

  constructor(code: DeliveryModelErrorCode, problems: readonly string[], options?: { cause?: unknown }) {
    super(`${SUBJECT[code]}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`, options);
    this.code = code;
    this.problems = problems;
  }
}

/** A parse outcome: the typed value, or every problem found. */
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DeliveryModelError };

/** A problem at a path inside the parsed object. */
export interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** `spec.rules[0].refs` */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

/** One readable line per problem. */
export function formatProblems(problems: readonly Problem[]): string[] {
  return problems.map(({ path, message }) => (path.length === 0 ? message : `${formatPath(path)}: ${message}`));
}

/**
 * zod issues as problems; a missing field reads "is required" rather than
 * "expected string, received undefined". Needs `reportInput: true` at parse.
 */
export function problemsFromZod(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path: issue.path,
    message: (issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined ? 'is required' : issue.message,
  }));
}

/** Prefixes every problem's path with `prefix`. */
export function under(prefix: readonly PropertyKey[], problems: readonly Problem[]): Problem[] {
  return problems.map((problem) => ({ path: [...prefix, ...problem.path], message: problem.message }));
}
