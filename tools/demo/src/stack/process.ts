import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A long-running child process of the demo. */
export interface ChildProcessHandle {
  readonly name: string;
  readonly pid: number;
  /** File holding its stdout and stderr. */
  readonly logFile: string;
  /** Set once it exited: `code N` or the signal. */
  exited(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** What to run. */
export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment: nothing is inherited, so the caller's shell (or CI's `OTEL_*`) cannot change the outcome. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logFile: string;
}

/**
 * Spawns a child under `setpriv --pdeathsig KILL` (the local cluster's
 * pattern): if the demo dies in any way, even SIGKILL, the kernel kills the
 * child too, so nothing outlives it.
 */
export function spawnOwned(options: SpawnOptions): ChildProcessHandle {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn('setpriv', ['--pdeathsig', 'KILL', '--', options.command, ...options.args], {
    cwd: options.cwd,
    env: { ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exit: string | undefined;
  const gone = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    child.on('error', (error) => {
      exit = `failed to spawn: ${error.message}`;
      resolve();
    });
  });
  return {
    name: options.name,
    pid: child.pid ?? -1,
    logFile: options.logFile,
    exited: () => exit,
    async stop(graceMs = 5_000) {
      if (exit === undefined) {
        // setpriv exec()s the command, so the signal reaches the service itself.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await gone;
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => log.end(resolve));
    },
  };
}

/** The last `lines` lines of a log file (empty when it cannot be read). */
export async function logTail(file: string, lines = 20): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
