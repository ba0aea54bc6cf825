/**
 * Closed set of {@link ConfigError} codes: the environment does not describe
 * a valid configuration, or a mounted secret file is missing or empty.
 */
export type ConfigErrorCode = 'invalid_config' | 'secret_unreadable' | 'secret_empty';

/**
 * Configuration that cannot be used. The message lists every problem, one
 * per line, naming the variable or file and what was expected; it never
 * contains a secret value, so `main.ts` can print it and exit 1.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code: ConfigErrorCode;
  /** One line per problem, e.g. `SLUICE_PORT: expected an integer between 1 and 65535, got "abc"`. */
  readonly problems: readonly string[];

  constructor(code: ConfigErrorCode, problems: readonly string[], options?: { cause?: unknown }) {
    super(code === 'invalid_config' ? `Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}` : problems.join('\n'), options);
    this.code = code;
    this.problems = problems;
  }
}
