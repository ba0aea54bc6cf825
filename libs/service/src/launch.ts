/** Hooks for tests; the defaults write to the real stderr and end the process. */
export interface LaunchOptions {
  readonly stderr?: (text: string) => void;
  readonly exit?: (code: number) => void;
}

/**
 * Runs an app's start-up (`main.ts` passes everything from config parsing to
 * `runService`). If it fails, the process prints one message to stderr and
 * exits 1: a typed error (one with a string `code`, such as `ConfigError`)
 * prints just its message, which names the variable or file to fix; anything
 * else is a bug and prints its stack.
 */
export async function launch(name: string, start: () => Promise<unknown>, options: LaunchOptions = {}): Promise<void> {
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  try {
    await start();
  } catch (error) {
    stderr(`${name}: failed to start: ${describe(error)}\n`);
    exit(1);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') return error.message;
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
