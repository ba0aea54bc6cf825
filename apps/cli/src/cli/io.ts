/** What a command may touch outside itself; real in `main.ts`, fakes in tests. */
export interface Io {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Standard output is a terminal: redraw in place is allowed. */
  readonly tty: boolean;
  /** Colour codes are allowed (a terminal, and `NO_COLOR` unset or empty). */
  readonly color: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM: long-running commands stop cleanly and exit 0. */
  readonly interrupt: AbortSignal;
  now(): Date;
}

/**
 * Whether to colour output: only on a terminal, and never when `NO_COLOR` is
 * set to a non-empty value (https://no-color.org).
 */
export function useColor(tty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return tty && !env['NO_COLOR'] && env['TERM'] !== 'dumb';
}
