import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireJaegerBinary } from './binary.js';
import { jaegerConfig, type ReceiverPorts } from './config.js';
import { spansFromOtlp, type OtlpTracesData } from './otlp-json.js';
import { freePorts } from '@sluice/local-cluster';
import type { ReceivedSpan, TraceReceiver } from './types.js';
import { renderWaterfall } from './waterfall.js';

/** Options for {@link startTraceReceiver}. */
export interface TraceReceiverOptions {
  /** Working directory for the config (and the log by default). Default: a fresh temporary directory, removed on stop. */
  dir?: string;
  /** Where Jaeger's own output goes. Default: `jaeger.log` in `dir`. */
  logFile?: string;
  /** A fixed address for the OTLP/gRPC receiver (e.g. where an in-cluster collector exports). Default: a free loopback port. */
  otlpGrpc?: { readonly host: string; readonly port: number };
}

const START_TIMEOUT_MS = 60_000;
const START_ATTEMPTS = 3;
const STOP_GRACE_MS = 5_000;
const POLL_MS = 200;
const DEFAULT_WAIT_MS = 30_000;

/**
 * Starts a Jaeger v2 (built by build.sh) on free loopback ports with an
 * in-memory store, and resolves once its OTLP receivers and query API answer.
 * The process dies with ours (`setpriv --pdeathsig KILL`) and never keeps it
 * alive; `stop()` ends it cleanly.
 */
export async function startTraceReceiver(options: TraceReceiverOptions = {}): Promise<TraceReceiver> {
  const binary = await requireJaegerBinary();
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'sluice-trace-receiver-')));
  await mkdir(dir, { recursive: true });
  const logFile = options.logFile ?? join(dir, 'jaeger.log');
  await mkdir(dirname(logFile), { recursive: true });

  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const [otlpGrpc = 0, otlpHttp = 0, queryHttp = 0, queryGrpc = 0] = await freePorts(4);
    const grpc = options.otlpGrpc ? { otlpGrpc: options.otlpGrpc.port, otlpGrpcHost: options.otlpGrpc.host } : { otlpGrpc };
    const ports: ReceiverPorts = { ...grpc, otlpHttp, queryHttp, queryGrpc };
    const launched = await launch(binary, dir, logFile, ports);
    try {
      await waitReady(launched, ports, logFile);
      return receiver(launched, ports, async () => {
        if (ownsDir) await rm(dir, { recursive: true, force: true });
      });
    } catch (err) {
      await launched.stop();
      lastError = err as Error;
      // Another process may take a port between our probe and Jaeger's bind: try fresh ports.
      if (!/address already in use/i.test(lastError.message)) break;
    }
  }
  if (ownsDir) await rm(dir, { recursive: true, force: true });
  throw lastError ?? new Error('the trace receiver did not start');
}

interface Launched {
  readonly child: ChildProcess;
  /** Why the process ended, once it has. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

async function launch(binary: string, dir: string, logFile: string, ports: ReceiverPorts): Promise<Launched> {
  const configPath = join(dir, 'jaeger.yaml');
  await writeFile(configPath, jaegerConfig(ports));
  const log = await open(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', binary, '--config', configPath], {
      cwd: dir,
      stdio: ['ignore', log.fd, log.fd],
      env: withoutOtelVariables(process.env),
    });
  } finally {
    await log.close();
  }
  // The receiver never holds our process open; pdeathsig ends it with us.
  child.unref();
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (err) => {
      exit = `could not start: ${err.message}`;
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (exit) return;
      // Held open again until Jaeger has gone, so code after `await stop()` runs.
      child.ref();
      // setpriv exec()s Jaeger, so the signal reaches it directly.
      child.kill('SIGTERM');
      const grace = new AbortController();
      const killed = await Promise.race([
        exited.then(() => false),
        sleep(STOP_GRACE_MS, true, { signal: grace.signal }).catch(() => false),
      ]);
      grace.abort();
      if (killed) {
        child.kill('SIGKILL');
        await exited;
      }
    })());
  return { child, exited: () => exit, stop };
}

/** Jaeger's own SDK reads OTEL_* too; it must not export anywhere because the caller's environment says so. */
function withoutOtelVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('OTEL_')));
}

async function waitReady(launched: Launched, ports: ReceiverPorts, logFile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let last = 'no answer yet';
  for (;;) {
    const exit = launched.exited();
    if (exit) throw new Error(`the trace receiver (Jaeger) ${exit} while starting:\n${await logTail(logFile)}`);
    try {
      await ready(ports);
      return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(`the trace receiver (Jaeger) was not ready within ${START_TIMEOUT_MS} ms (${last}):\n${await logTail(logFile)}`);
    }
    await sleep(POLL_MS);
  }
}

/** Resolves when the query API, the OTLP/HTTP receiver and the OTLP/gRPC port all answer. */
async function ready(ports: ReceiverPorts): Promise<void> {
  const services = await fetch(`http://127.0.0.1:${ports.queryHttp}/api/v3/services`);
  if (!services.ok) throw new Error(`query API answered ${services.status}`);
  await services.body?.cancel();
  // An empty OTLP/JSON export is accepted and stores nothing.
  const otlp = await fetch(`http://127.0.0.1:${ports.otlpHttp}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (!otlp.ok) throw new Error(`OTLP/HTTP receiver answered ${otlp.status}`);
  await otlp.body?.cancel();
  await new Promise<void>((resolve, reject) => {
    const socket = connect(ports.otlpGrpc, ports.otlpGrpcHost ?? '127.0.0.1', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

async function logTail(logFile: string, lines = 30): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return `--- last lines of ${logFile} ---\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
}

function receiver(launched: Launched, ports: ReceiverPorts, cleanup: () => Promise<void>): TraceReceiver {
  const queryUrl = `http://127.0.0.1:${ports.queryHttp}`;

  const query = async (path: string): Promise<Response> => {
    try {
      return await fetch(`${queryUrl}${path}`);
    } catch (err) {
      const exit = launched.exited();
      throw new Error(`the trace receiver at ${queryUrl} did not answer${exit ? ` (it ${exit})` : ''}`, { cause: err });
    }
  };

  const getTrace = async (traceId: string): Promise<ReceivedSpan[]> => {
    if (!/^[0-9a-fA-F]{32}$/.test(traceId)) throw new Error(`not a trace id (32 hex digits): "${traceId}"`);
    // raw_traces: what was received, without Jaeger's display adjustments.
    const response = await query(`/api/v3/traces/${traceId.toLowerCase()}?raw_traces=true`);
    if (response.status === 404) {
      await response.body?.cancel();
      return [];
    }
    if (!response.ok) throw new Error(`GET trace ${traceId}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { result?: OtlpTracesData };
    return spansFromOtlp(body.result ?? {});
  };

  const services = async (): Promise<string[]> => {
    const response = await query('/api/v3/services');
    if (!response.ok) throw new Error(`GET services: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { services?: string[] };
    return [...(body.services ?? [])].sort();
  };

  const waitForTrace = async (
    traceId: string,
    predicate: (spans: ReceivedSpan[]) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<ReceivedSpan[]> => {
    const deadline = Date.now() + timeoutMs;
    let spans: ReceivedSpan[] = [];
    let predicateError: unknown;
    for (;;) {
      spans = await getTrace(traceId);
      try {
        if (predicate(spans)) return spans;
        predicateError = undefined;
      } catch (err) {
        // An `expect` inside the predicate: keep polling, report its last message.
        predicateError = err;
      }
      if (Date.now() >= deadline) break;
      await sleep(POLL_MS);
    }
    const why = predicateError instanceof Error ? `\nlast predicate error: ${predicateError.message}` : '';
    const seen = await services().then(
      (names) => names.join(', ') || '(none)',
      () => '(unavailable)',
    );
    throw new Error(
      `trace ${traceId}: condition not met within ${timeoutMs} ms; it has ${spans.length} span(s):\n` +
        `${renderWaterfall(spans)}${why}\nservices seen by the receiver: ${seen}`,
    );
  };

  let stopping: Promise<void> | undefined;
  return {
    otlpHttpEndpoint: `http://127.0.0.1:${ports.otlpHttp}`,
    otlpGrpcEndpoint: `${ports.otlpGrpcHost ?? '127.0.0.1'}:${ports.otlpGrpc}`,
    queryUrl,
    getTrace,
    waitForTrace,
    services,
    stop: () =>
      (stopping ??= (async () => {
        await launched.stop();
        await cleanup();
      })()),
  };
}
