/**
 * Counts every HTTP request one KubeConfig's connections carry: `KubeClient`'s
 * calls, its watches and pod log reads. The KubeConfig's TLS agents are tagged
 * (client-node builds every agent through `createAgent`, and the client's
 * keep-alive pool copies the options of the agent it replaces), and Node's
 * `http.client.request.start` diagnostics channel reports each request with
 * its agent. Counting at the connection sees exactly the runner's own calls,
 * however often the client works out its credentials, unlike the apiserver's
 * `apiserver_request_total`, which also counts the node and the controller
 * manager.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { loadKubeConfig } from '@sluice/kube/testing';

type KubeConfig = ReturnType<typeof loadKubeConfig>;

const CHANNEL = 'http.client.request.start';
let tags = 0;

/** Requests counted so far, by `VERB resource` (e.g. `PUT deliveries/status`, `WATCH`, `GET pods/log`). */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  private readonly tag = `sluice-bench-${++tags}`;
  private readonly listener = (message: unknown): void => {
    const request = (message as { request: ClientRequest & { agent?: { options?: Record<string, unknown> } } }).request;
    if (request.agent?.options?.['sluiceBenchTag'] !== this.tag) return;
    const key = keyOf(request.method, request.path);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  };

  /** Tags `kc`'s connections (in place) and starts counting their requests; returns `kc`. */
  instrument(kc: KubeConfig): KubeConfig {
    const createAgent = (kc as unknown as { createAgent: (cluster: unknown, options: Record<string, unknown>) => unknown }).createAgent.bind(kc);
    (kc as unknown as { createAgent: typeof createAgent }).createAgent = (cluster, options) => createAgent(cluster, { ...options, sluiceBenchTag: this.tag });
    subscribe(CHANNEL, this.listener);
    return kc;
  }

  /** Stops counting. */
  close(): void {
    unsubscribe(CHANNEL, this.listener);
  }

  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  reset(): void {
    this.counts.clear();
  }
}

function keyOf(method: string, path: string): string {
  const url = new URL(path, 'https://apiserver');
  if (url.searchParams.get('watch') === 'true') return 'WATCH';
  if (url.pathname.endsWith('/log')) return 'GET pods/log';
  return `${method} ${resourceOf(url.pathname)}`;
}

function resourceOf(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const ns = parts.indexOf('namespaces');
  const rest = ns === -1 ? parts.slice(parts[0] === 'api' ? 2 : 3) : parts.slice(ns + 2);
  if (rest.length === 0) return path;
  return rest.length >= 3 ? `${rest[0]}/${rest[2]}` : (rest[0] ?? path);
}
