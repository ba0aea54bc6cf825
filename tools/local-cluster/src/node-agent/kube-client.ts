/**
 * A small JSON client over the kubeconfig's credentials. The agent talks to
 * a handful of endpoints (pods/status, pods/binding, nodes, leases, token
 * requests) with plain wire JSON, so timestamps stay strings and patch
 * content types are explicit.
 */
import http from 'node:http';
import https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';

/** A non-2xx answer from the apiserver. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: string,
    readonly reason?: string,
  ) {
    super(`apiserver answered ${statusCode}${reason ? ` ${reason}` : ''}: ${body.slice(0, 300)}`);
    this.name = 'ApiError';
  }
}

export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface RequestOptions {
  readonly body?: unknown;
  readonly contentType?: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly timeoutMs?: number;
}

export interface KubeClient {
  /** The apiserver's URL. */
  readonly server: URL;
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** Starts a watch; `onDone` runs once when the stream ends or fails. */
  watch(
    path: string,
    query: Readonly<Record<string, string | number | boolean>>,
    onEvent: (type: WatchEventType, obj: unknown) => void,
    onDone: (err: unknown) => void,
  ): Promise<AbortController>;
  close(): void;
}

/** True for an {@link ApiError} with one of `codes`. */
export function isApiStatus(err: unknown, ...codes: number[]): err is ApiError {
  return err instanceof ApiError && codes.includes(err.statusCode);
}

/** Builds a client from a kubeconfig file. */
export async function createKubeClient(kubeconfigPath: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig ${kubeconfigPath} has no current cluster`);
  const server = new URL(cluster.server);
  const opts: https.RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const secure = server.protocol === 'https:';
  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: opts.rejectUnauthorized,
        servername: opts.servername,
      })
    : new http.Agent({ keepAlive: true });
  const baseHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') baseHeaders[k] = v;
  if (opts.auth) baseHeaders.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  const watcher = new Watch(kc);

  const request = <T>(method: string, path: string, options: RequestOptions = {}): Promise<T> => {
    const url = new URL(path, server);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string> = { ...baseHeaders, Accept: 'application/json', 'User-Agent': 'sluice-node-agent/v1.37.2' };
    if (payload) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise<T>((resolve, reject) => {
      const req = (secure ? https : http).request(url, { method, agent, headers, timeout: options.timeoutMs ?? 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            try {
              resolve((text ? JSON.parse(text) : undefined) as T);
            } catch (err) {
              reject(err);
            }
            return;
          }
          let reason: string | undefined;
          try {
            reason = (JSON.parse(text) as { reason?: string }).reason;
          } catch {
            /* not a Status */
          }
          reject(new ApiError(code, text, reason));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  };

  return {
    server,
    request,
    watch: (path, query, onEvent, onDone) =>
      watcher.watch(path, query, (type: string, obj: unknown) => onEvent(type as WatchEventType, obj), onDone),
    close: () => agent.destroy(),
  };
}
