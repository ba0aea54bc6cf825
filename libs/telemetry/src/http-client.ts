import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';

/**
 * The part of an undici `Dispatcher` that `fetch` uses (its `dispatcher`
 * option), structurally: any HTTP client built on Node's fetch can be given
 * a traced one. Telemetry only wraps one it is given; where Node's global
 * dispatcher is (undici internals) is known to the client lib that needs it
 * (`@sluice/gitlab`'s `globalFetchDispatcher`).
 */
export interface FetchDispatcher {
  dispatch(options: object, handler: object): boolean;
}

/** A request as the dispatcher sees it. */
export interface HttpRequestFacts {
  readonly method: string;
  /** `scheme://host[:port]`. */
  readonly origin: string;
  /** Path without the query string. */
  readonly path: string;
}

/** How a traced request ended. */
export interface HttpRequestResult {
  readonly name: string;
  readonly attributes: Attributes;
  /** Absent when no answer came. */
  readonly statusCode?: number;
  /** Set when the request failed: the status code as a string (≥ 400), or the network error's code. */
  readonly errorType?: string;
  readonly durationMs: number;
}

/** Options of {@link traceDispatcher}. */
export interface TraceDispatcherOptions {
  readonly tracer: Tracer;
  /** Names the request's span and adds its attributes (`url.template`, …); `undefined`: not traced. */
  readonly describe: (request: HttpRequestFacts) => { readonly name: string; readonly attributes?: Attributes } | undefined;
  /** The parent of a request's span, read when it is dispatched. Default: a new trace. */
  readonly parent?: () => Context | undefined;
  /** Told how every traced request ended (metrics). */
  readonly onEnd?: (result: HttpRequestResult) => void;
  readonly now?: () => number;
}

/**
 * Wraps the fetch dispatcher `inner` so that every request
 * `describe` names becomes a CLIENT span with the HTTP semantic-convention
 * attributes (`http.request.method`, `server.address`, `server.port`,
 * `http.response.status_code`) and, on failure, status ERROR with
 * `error.type` — the status code as a string for answers ≥ 400, the error's
 * code when no answer came. Works with undici's older (Node 20) and newer
 * handler interfaces; the request itself is not changed.
 */
export function traceDispatcher(inner: FetchDispatcher, options: TraceDispatcherOptions): FetchDispatcher {
  const now = options.now ?? Date.now;
  return {
    dispatch(dispatchOptions, handler) {
      const facts = requestFacts(dispatchOptions as DispatchOptions);
      const described = facts && options.describe(facts);
      if (!facts || !described) return inner.dispatch(dispatchOptions, handler);
      const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: facts.method, ...serverAttributes(facts.origin), ...described.attributes };
      const span = options.tracer.startSpan(described.name, { kind: SpanKind.CLIENT, attributes }, options.parent?.() ?? ROOT_CONTEXT);
      const started = now();
      let statusCode: number | undefined;
      let ended = false;
      const end = (error?: unknown) => {
        if (ended) return;
        ended = true;
        const errorType = statusCode !== undefined && statusCode >= 400 ? String(statusCode) : error !== undefined ? errorCode(error) : undefined;
        finish(span, statusCode, errorType);
        options.onEnd?.({
          name: described.name,
          attributes,
          ...(statusCode !== undefined && { statusCode }),
          ...(errorType !== undefined && { errorType }),
          durationMs: now() - started,
        });
      };
      const seen = (status: number) => {
        statusCode = status;
      };
      try {
        return inner.dispatch(dispatchOptions, observe(handler as Handler, seen, end));
      } catch (error) {
        end(error);
        throw error;
      }
    },
  };
}

/** An async scope holding the context new client spans start in (e.g. the Delivery a GitLab call is for). */
export interface ParentScope {
  /** Runs `fn` with `parent` as the context of the client spans it causes. */
  run<T>(parent: Context, fn: () => T): T;
  /** The context of the innermost `run`, if any. */
  current(): Context | undefined;
}

/** A {@link ParentScope} on Node's AsyncLocalStorage, independent of whether a global context manager is registered. */
export function createParentScope(): ParentScope {
  const storage = new AsyncLocalStorage<Context>();
  return { run: (parent, fn) => storage.run(parent, fn), current: () => storage.getStore() };
}

interface DispatchOptions {
  readonly method?: string;
  readonly origin?: string | URL;
  readonly path?: string;
}

function requestFacts(options: DispatchOptions): HttpRequestFacts | undefined {
  if (options.origin === undefined || options.path === undefined) return undefined;
  const origin = String(options.origin).replace(/\/+$/, '');
  return { method: (options.method ?? 'GET').toUpperCase(), origin, path: options.path.split('?', 1)[0] ?? '' };
}

function serverAttributes(origin: string): Attributes {
  try {
    const url = new URL(origin);
    const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { [ATTR_SERVER_ADDRESS]: url.hostname, [ATTR_SERVER_PORT]: port };
  } catch {
    return {};
  }
}

function finish(span: Span, statusCode: number | undefined, errorType: string | undefined): void {
  if (statusCode !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
  if (errorType !== undefined) {
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  }
  return '_OTHER';
}

interface Handler {
  onHeaders?(status: number, ...rest: unknown[]): boolean;
  onComplete?(...args: unknown[]): void;
  onError?(error: unknown): void;
  onResponseStart?(controller: unknown, status: number, ...rest: unknown[]): void;
  onResponseEnd?(...args: unknown[]): void;
  onResponseError?(controller: unknown, error: unknown): void;
  [key: string]: unknown;
}

/**
 * The caller's handler, with the response status and the end of the
 * exchange observed on the way through. Only methods the handler has are
 * wrapped: undici picks the handler interface by which methods exist.
 */
function observe(handler: Handler, seen: (status: number) => void, end: (error?: unknown) => void): Handler {
  return new Proxy(handler, {
    get(target, property, receiver) {
      const original = Reflect.get(target, property, receiver) as unknown;
      if (typeof original !== 'function') return original;
      const call = (...args: unknown[]) => (original as (...a: unknown[]) => unknown).apply(target, args);
      switch (property) {
        case 'onHeaders':
          return (status: number, ...rest: unknown[]) => {
            seen(status);
            return call(status, ...rest);
          };
        case 'onResponseStart':
          return (controller: unknown, status: number, ...rest: unknown[]) => {
            seen(status);
            return call(controller, status, ...rest);
          };
        case 'onComplete':
        case 'onResponseEnd':
          return (...args: unknown[]) => {
            end();
            return call(...args);
          };
        case 'onError':
          return (error: unknown) => {
            end(error);
            return call(error);
          };
        case 'onResponseError':
          return (controller: unknown, error: unknown) => {
            end(error);
            return call(controller, error);
          };
        default:
          // Bound to the handler itself, so its own private state stays reachable.
          return (original as (...a: unknown[]) => unknown).bind(target);
      }
    },
  });
}
