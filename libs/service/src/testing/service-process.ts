import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Options for starting a service entry point in a child process. */
export interface ServiceProcessOptions {
  /**
   * Path to the entry point: an app's TypeScript `src/main.ts` (run through
   * tsx), or its built bundle `dist/main.js` (run by plain `node`, as
   * deployed — what a memory or CPU figure should measure).
   */
  readonly entry: string;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /**
   * The child's whole environment besides PATH: nothing else is inherited, so
   * a developer's shell (or CI's `OTEL_*`) cannot change the outcome.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Working directory. Default: the test's. */
  readonly cwd?: string;
  /** How long to wait for the `started` line, or for the exit. Default 45 s (tsx compiles on start). */
  readonly timeoutMs?: number;
}

/** How a child process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running service child process. */
export interface ServiceProcess {
  /** Port from the `started` log line. */
  readonly port: number;
  /** The child's process id (for /proc figures: RSS, CPU time). */
  readonly pid: number;
  /** Every stdout line that parsed as JSON, so far. */
  readonly logs: ReadonlyArray<Record<string, unknown>>;
  /** GET against the service on 127.0.0.1. */
  get(path: string): Promise<Response>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<ProcessExit>;
  /** Kills the child if it still runs; for `afterEach`. */
  kill(): void;
}

/**
 * Starts `node --import tsx <entry>` and resolves once it logs `started`
 * (JSON, `msg: "started"`, with `port`). Rejects with the child's output when
 * it exits first or does not start in time.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const child = spawnEntry(options);
  const output = collect(child);
  const logs: Array<Record<string, unknown>> = [];
  const started = new Promise<number>((resolve, reject) => {
    output.onLine = (line) => {
      const entry = parseJson(line);
      if (!entry) return;
      logs.push(entry);
      if (entry['msg'] === 'started' && typeof entry['port'] === 'number') resolve(entry['port']);
    };
    void output.exited.then((exit) => reject(new Error(`service exited before starting: ${describe(exit)}`)));
  });
  let port: number;
  try {
    port = await withTimeout(started, options.timeoutMs ?? 45_000, () => `service did not log "started": ${describe(output.snapshot())}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    port,
    pid: child.pid as number,
    logs,
    get: (path) => fetch(`http://127.0.0.1:${port}${path}`),
    stop: async (signal = 'SIGTERM') => {
      child.kill(signal);
      return withTimeout(output.exited, options.timeoutMs ?? 45_000, () => `service did not exit after ${signal}`);
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Runs the entry point to completion (for start-up failures) and returns how it ended. */
export async function runServiceProcess(options: ServiceProcessOptions): Promise<ProcessExit> {
  const child = spawnEntry(options);
  const output = collect(child);
  try {
    return await withTimeout(output.exited, options.timeoutMs ?? 45_000, () => `service did not exit: ${describe(output.snapshot())}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** Resident set size of a running process, MB (Linux /proc). */
export function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Math.round(Number(kb) / 1024);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

function spawnEntry(options: ServiceProcessOptions): ChildProcess {
  const loader = options.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.entry], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface Output {
  onLine: (line: string) => void;
  readonly exited: Promise<ProcessExit>;
  snapshot(): ProcessExit;
}

function collect(child: ChildProcess): Output {
  let stdout = '';
  let stderr = '';
  let pending = '';
  const output: Output = {
    onLine: () => undefined,
    exited: new Promise((resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    }),
    snapshot: () => ({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) output.onLine(line);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return output;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describe(exit: ProcessExit): string {
  return `code=${exit.code} signal=${exit.signal}\nstdout:\n${exit.stdout}\nstderr:\n${exit.stderr}`;
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
