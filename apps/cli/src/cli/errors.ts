import { isKubeError } from '@sluice/kube';

/** Exit codes: 0 ok, 1 failure or not found, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An expected failure: printed as one line on stderr (no stack trace) and
 * turned into an exit code. `usage` is a mistake on the command line (exit
 * 2); `failure` is everything else the user should know about (exit 1).
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly kind: 'usage' | 'failure',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A usage error (exit 2). */
export function usage(message: string): CliError {
  return new CliError('usage', message);
}

/** A failure (exit 1). */
export function failure(message: string, cause?: unknown): CliError {
  return new CliError('failure', message, cause === undefined ? undefined : { cause });
}

/**
 * The one line to print for an error and its exit code. Kubernetes API
 * failures are expected (no access, apiserver down), so they get a sentence
 * instead of a stack; anything else is a bug, and its stack is kept.
 */
export function describeError(err: unknown): { readonly line: string; readonly code: ExitCode; readonly stack?: string } {
  if (err instanceof CliError) return { line: err.message, code: err.kind === 'usage' ? EXIT.usage : EXIT.failure };
  if (isKubeError(err)) {
    switch (err.code) {
      case 'Forbidden':
        return { line: `not allowed: ${err.message}`, code: EXIT.failure };
      case 'Unavailable':
        return { line: `cannot reach the Kubernetes API: ${err.message}`, code: EXIT.failure };
      default:
        return { line: `Kubernetes API: ${err.message}`, code: EXIT.failure };
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return { line: message, code: EXIT.failure, ...(err instanceof Error && err.stack !== undefined && { stack: err.stack }) };
}
