import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ServiceError } from './errors.js';
import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';

/** Something to stop on shutdown (a controller, the telemetry flush), run in order. */
export interface ShutdownHook {
  /** Name used in log lines when the hook fails or runs out of time. */
  readonly name: string;
  run(): unknown;
}

/** Where termination signals come from; `process` fits, tests pass an EventEmitter. */
export interface SignalSource {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Anything that answers fetch-style requests; a Hono app fits. */
export type FetchHandler = Parameters<typeof serve>[0]['fetch'];

/**
 * Answers a request at the Node level, before the app sees it; returns true
 * when it did (and then owns the response), false to hand it to the app.
 */
export type Preflight = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Options for {@link runService}. */
export interface RunServiceOptions {
  readonly logger: Logger;
  /** Port to listen on; 0 picks a free one (see {@link RunningService.port}). */
  readonly port: number;
  /** Interface to bind. Default `0.0.0.0`. */
  readonly host?: string;
  /** The HTTP surface, usually a Hono app with `healthRoutes` mounted. */
  readonly app: { readonly fetch: FetchHandler };
  /**
   * Runs before the app for every request: for the few answers that must
   * cost next to nothing even under a flood (a webhook with a wrong token),
   * where building the app's Request and Response objects would be most of
   * the cost.
   */
  readonly preflight?: Preflight;
  /** Drained (made not ready) as soon as shutdown begins. */
  readonly readiness?: Readiness;
  /** Run one after another once the server stopped accepting connections. */
  readonly onShutdown?: readonly ShutdownHook[];
  /** Bound on the whole shutdown: in-flight requests plus hooks. Default 10 000 ms. */
  readonly shutdownTimeoutMs?: number;
  /** Default `process`. */
  readonly signals?: SignalSource;
  /** Ends the process. Default `process.exit`. */
  readonly exit?: (code: number) => void;
}

/** A serving process. */
export interface RunningService {
  /** The port actually bound. */
  readonly port: number;
  /** Shuts down as a signal would; resolves with the exit code handed to `exit`. */
  stop(reason?: string): Promise<number>;
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
const DEFAULTS = { host: '0.0.0.0', shutdownTimeoutMs: 10_000 } as const;

/**
 * Serves `app` and owns the process lifecycle. Logs `started` with the bound
 * port. On SIGTERM or SIGINT it marks the process not ready, stops accepting
 * connections, lets in-flight requests finish, runs the shutdown hooks in
 * order, logs `stopped` and exits: 0 when all of that completed within
 * `shutdownTimeoutMs`, 1 when a hook failed or time ran out (the rest is then
 * abandoned). A second signal exits at once with 1.
 * Rejects with `ServiceError` (`listen_failed`) when the port cannot be bound.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const { logger, readiness, onShutdown = [] } = options;
  const host = options.host ?? DEFAULTS.host;
  const timeoutMs = options.shutdownTimeoutMs ?? DEFAULTS.shutdownTimeoutMs;
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));

  const server = await listen(options.app.fetch, options.port, host, options.preflight);
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, host }, 'started');

  let stopping: Promise<number> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal during shutdown, exiting now');
      exit(1);
      return;
    }
    void stop(signal);
  };
  const stop = (reason = 'stop requested'): Promise<number> =>
    (stopping ??= (async () => {
      readiness?.drain();
      logger.info({ reason, timeoutMs }, 'stopping');
      const clean = await shutdown(server, onShutdown, Date.now() + timeoutMs, logger);
      const code = clean ? 0 : 1;
      for (const signal of SIGNALS) signals.off(signal, onSignal);
      logger.info({ code }, 'stopped');
      exit(code);
      return code;
    })());
  for (const signal of SIGNALS) signals.on(signal, onSignal);
  return { port, stop };
}

function listen(fetch: FetchHandler, port: number, hostname: string, preflight?: Preflight): Promise<Server> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void =>
      reject(new ServiceError('listen_failed', `cannot listen on ${hostname}:${port}: ${error.message}`, { cause: error }));
    // Only a plain HTTP/1.1 server is created here (no http2/https options).
    const withPreflight = (serverOptions: object, listener: (req: IncomingMessage, res: ServerResponse) => void): Server =>
      createServer(serverOptions, (req, res) => {
        if (!(preflight as Preflight)(req, res)) listener(req, res);
      });
    const server = serve({ fetch, port, hostname, ...(preflight && { createServer: withPreflight as typeof createServer }) }, () => {
      server.off('error', onError);
      resolve(server as Server);
    }) as Server;
    server.once('error', onError);
  });
}

/** Returns true when everything finished before `deadline` without errors. */
async function shutdown(server: Server, hooks: readonly ShutdownHook[], deadline: number, logger: Logger): Promise<boolean> {
  let clean = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // close() only drops connections idle at that moment; a keep-alive connection whose
  // request finishes later would hold the server open until its keep-alive timeout.
  const sweep = setInterval(() => server.closeIdleConnections(), 100);
  const closedInTime = await beforeDeadline(closed, deadline).finally(() => clearInterval(sweep));
  if (!closedInTime) {
    logger.warn('in-flight requests did not finish in time, closing their connections');
    server.closeAllConnections();
    clean = false;
  }
  for (const hook of hooks) {
    try {
      if (!(await beforeDeadline(Promise.resolve().then(() => hook.run()), deadline))) {
        logger.warn({ hook: hook.name }, 'shutdown hook did not finish in time, giving up');
        return false;
      }
    } catch (err) {
      logger.error({ hook: hook.name, err }, 'shutdown hook failed');
      clean = false;
    }
  }
  return clean;
}

/** Resolves true if `work` settles before `deadline`, false otherwise; rejections pass through. */
async function beforeDeadline(work: Promise<unknown>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
