/**
 * The part of an undici `Dispatcher` that fetch uses. Node's fetch accepts one
 * as its `dispatcher` option; gitbeaker forwards its `agent` option there.
 */
export interface FetchDispatcher {
  dispatch(options: object, handler: object): boolean;
}

/**
 * Raised inside fetch when a response status is intercepted; gitbeaker
 * rethrows it as the `cause` of fetch's `TypeError`.
 */
export class InterceptedResponse extends Error {
  override readonly name = 'InterceptedResponse';

  constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
  ) {
    super(`HTTP ${status}`);
  }
}

// The symbol undici (npm and Node's bundled copy alike) keeps the global
// dispatcher under. Node creates it when fetch is first called, which has
// happened by the time `dispatch` runs. The one place Sluice reads it.
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

function nodeGlobalDispatcher(): FetchDispatcher | undefined {
  return (globalThis as Record<symbol, FetchDispatcher | undefined>)[GLOBAL_DISPATCHER];
}

/**
 * Node's global fetch dispatcher, looked up on each request (so it may be
 * taken before Node has created it): the default for wrappers around the
 * dispatcher fetch uses, e.g. a tracing one.
 */
export const globalFetchDispatcher: FetchDispatcher = {
  dispatch(options, handler) {
    const target = nodeGlobalDispatcher();
    if (!target) throw new Error('no fetch dispatcher available: pass one explicitly');
    return target.dispatch(options, handler);
  },
};

/**
 * A fetch dispatcher that trusts only `ca` (PEM), for a self-managed GitLab
 * with a private CA.
 *
 * Node 20 does not export undici's `Agent`, and `undici` is not a
 * dependency, so the Agent class is taken from Node's own global dispatcher,
 * created here by a fetch if none ran yet. The alternative without code is
 * `NODE_EXTRA_CA_CERTS=<file>` in the environment.
 */
export async function dispatcherTrusting(ca: string): Promise<FetchDispatcher> {
  // Any fetch makes Node create its global dispatcher; a refused loopback connection is enough.
  if (!nodeGlobalDispatcher()) await fetch('http://127.0.0.1:9/').catch(() => undefined);
  const global = nodeGlobalDispatcher() as { constructor: new (options: object) => FetchDispatcher } | undefined;
  if (!global) throw new Error('cannot build a fetch dispatcher trusting a CA on this Node version; set NODE_EXTRA_CA_CERTS instead');
  return new global.constructor({ connect: { ca } });
}

/**
 * Wraps a dispatcher so that responses with one of `statuses` fail the fetch
 * with {@link InterceptedResponse} instead of being returned.
 *
 * Why: gitbeaker retries 429 and 502 itself, ten times within ~0.26 s,
 * ignoring `Retry-After`, and re-sends POSTs (a 502 after GitLab applied a
 * status change then surfaces as a transition error). Failing those responses
 * below gitbeaker stops its loop after the first answer and keeps the status
 * and headers, so the caller can back off properly.
 */
export function interceptStatuses(statuses: readonly number[], inner: FetchDispatcher = globalFetchDispatcher): FetchDispatcher {
  return {
    dispatch(options, handler) {
      return inner.dispatch(options, wrapHandler(handler as Handler, statuses));
    },
  };
}

type Abort = (reason: Error) => void;
interface Controller {
  abort(reason: Error): void;
}
interface Handler {
  onConnect?(abort: Abort, context?: unknown): void;
  onHeaders?(status: number, rawHeaders: unknown[], resume: () => void, statusText: string): boolean;
  onResponseStart?(controller: Controller, status: number, headers: Record<string, string | string[]>, statusText: string): void;
  [key: string]: unknown;
}

function wrapHandler(handler: Handler, statuses: readonly number[]): Handler {
  let abort: Abort | undefined;
  return new Proxy(handler, {
    get(target, property, receiver) {
      // Legacy handler API (undici 6, Node 20).
      if (property === 'onConnect') {
        return (a: Abort, context?: unknown) => {
          abort = a;
          return target.onConnect?.(a, context);
        };
      }
      if (property === 'onHeaders' && target.onHeaders) {
        const onHeaders = target.onHeaders.bind(target);
        return (status: number, rawHeaders: unknown[], resume: () => void, statusText: string) => {
          if (!statuses.includes(status) || !abort) return onHeaders(status, rawHeaders, resume, statusText);
          abort(new InterceptedResponse(status, fromRawHeaders(rawHeaders)));
          return false;
        };
      }
      // Newer handler API (undici 7); same decision.
      if (property === 'onResponseStart' && target.onResponseStart) {
        const onResponseStart = target.onResponseStart.bind(target);
        return (controller: Controller, status: number, headers: Record<string, string | string[]>, statusText: string) => {
          if (!statuses.includes(status)) return onResponseStart(controller, status, headers, statusText);
          controller.abort(new InterceptedResponse(status, fromRecord(headers)));
        };
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

function fromRawHeaders(raw: unknown[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) headers[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  return headers;
}

function fromRecord(record: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v]));
}
