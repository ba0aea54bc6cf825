import { request as httpRequest, type Agent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import type { Configuration, HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import { ConnectionPool } from './connection-pool.js';
import { KubeError, errorFromResponse, toKubeError } from './errors.js';

/** One HTTP call to the apiserver. */
export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/api/v1/namespaces/x/configmaps`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON text (valid YAML too, which server-side apply accepts). */
  readonly body?: unknown;
  /** Default `application/json` when there is a body. */
  readonly contentType?: string;
}

/**
 * Raw JSON requests with client-node's own authentication and TLS material.
 *
 * Why not the generated APIs or `KubernetesObjectApi`: they pass bodies
 * through typed models, which silently drops fields the model does not know
 * (a misspelled field never reaches server-side field validation, and an
 * apply that lost a field makes the server remove it) and turns timestamps
 * into `Date`s. Here the body goes out exactly as given and the response
 * comes back exactly as sent. Calls share keep-alive connections
 * ({@link ConnectionPool}) and go out through `node:https` directly: client-node's
 * fetch layer (node-fetch, an AbortSignal and Headers per call) cost more CPU
 * than the rest of a request.
 *
 * Authentication is worked out by client-node at most every
 * {@link AUTH_REFRESH_MS} (and again after a 401), not per call: applying it
 * builds a TLS agent and re-reads the credentials, which cost a busy service
 * (the gateway at hundreds of creates a second) more CPU than its own work.
 * A rotated token or certificate is picked up within that interval.
 */
export class KubeTransport {
  private readonly config: Configuration;
  private readonly pool = new ConnectionPool();
  private auth: { readonly value: Promise<CallAuth>; readonly until: number } | undefined;

  constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs = 30_000,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('KubeConfig has no current cluster; build it with loadKubeConfig');
    this.config = createConfiguration({ baseServer: new ServerConfiguration(cluster.server, {}), authMethods: { default: kc } });
  }

  /** Sends the request; resolves to the parsed JSON body, rejects with a `KubeError`. */
  async request<T>(req: KubeRequest): Promise<T> {
    let status: number;
    let text: string;
    try {
      ({ status, text } = await send(await this.callAuth(), req, this.timeoutMs));
    } catch (err) {
      this.auth = undefined;
      throw toKubeError(err);
    }
    if (status === 401) this.auth = undefined;
    if (status < 200 || status > 299) throw errorFromResponse(status, text);
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (err) {
      throw new KubeError('Unknown', `${req.method} ${req.path}: response is not JSON: ${text.slice(0, 200)}`, { status, cause: err });
    }
  }

  /**
   * A long-lived GET whose body is a stream of lines (a watch): resolves once
   * the server answered 200 (rejects with a `KubeError` otherwise), then hands
   * each line to `onLine` and calls `onEnd` once — `null` when the server
   * ended the stream, else the error (an `abort()` included). The connection
   * is its own, outside the pool, and has no overall timeout.
   */
  async stream(req: Omit<KubeRequest, 'method' | 'body'>, onLine: (line: string) => void, onEnd: (err: Error | null) => void): Promise<StreamHandle> {
    try {
      return await openStream(await this.authenticated({ ...req, method: 'GET' }), onLine, onEnd);
    } catch (err) {
      throw toKubeError(err);
    }
  }

  /** What every call sends to be let in, worked out by client-node and kept for {@link AUTH_REFRESH_MS}. */
  private callAuth(): Promise<CallAuth> {
    const now = Date.now();
    if (this.auth === undefined || now >= this.auth.until) {
      const value = this.authenticated({ method: 'GET', path: '/' }).then((ctx): CallAuth => {
        this.pool.adopt(ctx);
        const url = new URL(ctx.getUrl());
        const headers = { ...ctx.getHeaders() };
        delete headers['Accept'];
        return { url, headers, agent: ctx.getAgent() as Agent | undefined };
      });
      value.catch(() => (this.auth = undefined));
      this.auth = { value, until: now + AUTH_REFRESH_MS };
    }
    return this.auth.value;
  }

  private async authenticated(req: KubeRequest): Promise<RequestContext> {
    const ctx = this.config.baseServer.makeRequestContext(req.path, req.method as HttpMethod);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) ctx.setQueryParam(key, String(value));
    }
    ctx.setHeaderParam('Accept', 'application/json');
    if (req.body !== undefined) {
      ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(req.body));
    }
    await this.kc.applySecurityAuthentication(ctx);
    return ctx;
  }
}

/** A running {@link KubeTransport.stream}. */
export interface StreamHandle {
  abort(): void;
}

/** How long authentication worked out by client-node is reused. */
export const AUTH_REFRESH_MS = 10_000;

/** The server and what each call carries to be let in: auth headers and the (pooled) TLS agent. */
interface CallAuth {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: Agent | undefined;
}

/** One HTTP exchange, bounded by `timeoutMs` from start to the body's end. */
function send(auth: CallAuth, call: KubeRequest, timeoutMs: number): Promise<{ status: number; text: string }> {
  const { url } = auth;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers: OutgoingHttpHeaders = { ...auth.headers, Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = call.contentType ?? 'application/json';
    // Explicit: Node sends a DELETE's body without a length, which desynchronizes a kept-alive connection.
    headers['Content-Length'] = Buffer.byteLength(body);
  }
  const options = { protocol: url.protocol, hostname: url.hostname, port: url.port, path: pathWithQuery(url.pathname, call), method: call.method, headers, agent: auth.agent };
  return new Promise((resolve, reject) => {
    const req = request(options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', fail);
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no complete answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}

/** `path` under the server's base path, with the call's query (undefined values left out). */
function pathWithQuery(basePath: string, call: KubeRequest): string {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  let query = '';
  for (const [key, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) query += `${query ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
  }
  return `${base}${call.path}${query}`;
}

function openStream(ctx: RequestContext, onLine: (line: string) => void, onEnd: (err: Error | null) => void): Promise<StreamHandle> {
  const url = new URL(ctx.getUrl());
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let opened = false;
    let ended = false;
    const end = (err: Error | null): void => {
      if (ended) return;
      ended = true;
      req.destroy();
      onEnd(err);
    };
    const req = request(url, { method: 'GET', headers: ctx.getHeaders(), agent: ctx.getAgent() }, (res: IncomingMessage) => {
      res.setEncoding('utf8');
      if (res.statusCode !== 200) {
        let text = '';
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => reject(errorFromResponse(res.statusCode ?? 0, text)));
        res.on('error', reject);
        return;
      }
      res.socket.setKeepAlive(true, 30_000);
      let partial = '';
      res.on('data', (chunk: string) => {
        const text = partial + chunk;
        let start = 0;
        for (let newline = text.indexOf('\n'); newline >= 0 && !ended; newline = text.indexOf('\n', start)) {
          const line = text.slice(start, newline);
          start = newline + 1;
          if (line.length > 0) onLine(line);
        }
        partial = text.slice(start);
      });
      res.on('end', () => end(null));
      res.on('error', end);
      res.on('close', () => end(res.complete ? null : new Error('the stream broke off')));
      opened = true;
      resolve({ abort: () => end(Object.assign(new Error('stream aborted'), { name: 'AbortError' })) });
    });
    req.on('error', (err) => (opened ? end(err) : reject(err)));
    req.end();
  });
}
