import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeError, errorFromResponse, toKubeError } from './errors.js';

/** Which log to read, as `pods/{name}/log` takes it. */
export interface PodLogOptions {
  readonly namespace: string;
  readonly pod: string;
  /** Required when the pod has more than one container (init containers count). */
  readonly container?: string;
  /** Only the last lines. */
  readonly tailLines?: number;
  /** At most this many bytes (the server cuts; a line may be cut too). */
  readonly limitBytes?: number;
  readonly sinceSeconds?: number;
  /** Prefix every line with its RFC 3339 time. Default false. */
  readonly timestamps?: boolean;
  /** The log of the previous (restarted) instance of the container. Default false. */
  readonly previous?: boolean;
}

/** A followed log; see {@link streamPodLog}. */
export interface PodLogStream {
  /** Resolves when the server ends the stream (the container exited) or after {@link stop}; rejects with a `KubeError` if the connection fails. */
  readonly done: Promise<void>;
  /** Closes the stream; `done` then resolves. */
  stop(): void;
}

/** Longest error body kept when the server refuses a log request. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Reads a container's log through `pods/{name}/log`, authenticated like every
 * other call from this KubeConfig. Throws a `KubeError`: `NotFound` (no such
 * pod or container), `Invalid` (the container has not started yet),
 * `Unavailable` (the apiserver or the node could not be reached), …
 */
export async function readPodLog(kubeConfig: KubeConfig, options: PodLogOptions & { readonly timeoutMs?: number }): Promise<string> {
  const res = await openLog(kubeConfig, options, false, AbortSignal.timeout(options.timeoutMs ?? 30_000));
  try {
    let text = '';
    for await (const chunk of res) text += chunk as string;
    return text;
  } catch (err) {
    throw toKubeError(err);
  }
}

/**
 * Follows a container's log (`follow=true`): `onData` gets the text as the
 * container writes it, starting with what it wrote so far (limit that with
 * `tailLines`). Resolves once the server has accepted the request, so a
 * missing pod or a container that has not started rejects here with the
 * same `KubeError`s as {@link readPodLog}.
 */
export async function streamPodLog(kubeConfig: KubeConfig, options: PodLogOptions, onData: (text: string) => void): Promise<PodLogStream> {
  const controller = new AbortController();
  const res = await openLog(kubeConfig, options, true, controller.signal);
  let stopped = false;
  const done = new Promise<void>((resolve, reject) => {
    res.on('data', (chunk: string) => {
      if (!stopped) onData(chunk);
    });
    res.on('end', () => resolve());
    res.on('close', () => resolve());
    res.on('error', (err) => (stopped ? resolve() : reject(toKubeError(err))));
  });
  return {
    done,
    stop: () => {
      stopped = true;
      controller.abort();
      res.destroy();
    },
  };
}

/** Sends the log request; resolves with the 200 response (utf-8 decoded), or rejects with a `KubeError`. */
async function openLog(kubeConfig: KubeConfig, o: PodLogOptions, follow: boolean, signal: AbortSignal): Promise<IncomingMessage> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new KubeError('Unknown', 'KubeConfig has no current cluster; build it with loadKubeConfig');
  const url = new URL(
    `${cluster.server.replace(/\/$/, '')}/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods/${encodeURIComponent(o.pod)}/log`,
  );
  const query: Record<string, string | number | boolean | undefined> = {
    container: o.container,
    follow: follow || undefined,
    tailLines: o.tailLines,
    limitBytes: o.limitBytes,
    sinceSeconds: o.sinceSeconds,
    timestamps: o.timestamps || undefined,
    previous: o.previous || undefined,
  };
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));

  // client-node fills in the agent (TLS material) and the auth headers (token, exec plugin, impersonation).
  const options: RequestOptions & { headers: Record<string, string> } = { headers: {} };
  try {
    await kubeConfig.applyToHTTPSOptions(options);
  } catch (err) {
    throw toKubeError(err);
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, { ...options, method: 'GET', headers: { ...options.headers, Accept: '*/*' }, signal }, resolve);
    req.on('error', (err) => reject(toKubeError(err)));
    req.end();
  });
  res.setEncoding('utf8');
  if (res.statusCode === 200) return res;
  const status = res.statusCode ?? 0;
  let body = '';
  try {
    for await (const chunk of res) if (body.length < MAX_ERROR_BODY) body += chunk as string;
  } catch {
    // The status code alone still classifies the failure.
  }
  throw errorFromResponse(status, body);
}
