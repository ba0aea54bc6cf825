/**
 * Counts every HTTP request a KubeConfig authenticates: `KubeClient`'s
 * requests (`applySecurityAuthentication`), watches (`applyToFetchOptions`)
 * and pod log reads (`applyToHTTPSOptions`). Counting at this boundary sees
 * exactly the runner's own calls, unlike the apiserver's
 * `apiserver_request_total`, which also counts the node agent and the
 * controller manager.
 */
import type { loadKubeConfig } from '@sluice/kube/testing';

type KubeConfig = ReturnType<typeof loadKubeConfig>;

/** Requests counted so far, by `VERB resource` (e.g. `PUT deliveries/status`). */
export class RequestCounter {
  readonly counts = new Map<string, number>();

  /** Wraps `kc` in place and returns it. */
  instrument(kc: KubeConfig): KubeConfig {
    const count = (key: string) => this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const auth = kc.applySecurityAuthentication.bind(kc);
    kc.applySecurityAuthentication = async (ctx) => {
      count(`${ctx.getHttpMethod()} ${resourceOf(ctx.getUrl())}`);
      return auth(ctx);
    };
    const fetchOptions = kc.applyToFetchOptions.bind(kc);
    kc.applyToFetchOptions = async (opts) => {
      count('WATCH');
      return fetchOptions(opts);
    };
    const httpsOptions = kc.applyToHTTPSOptions.bind(kc);
    kc.applyToHTTPSOptions = async (opts) => {
      count('GET pods/log');
      return httpsOptions(opts);
    };
    return kc;
  }

  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  reset(): void {
    this.counts.clear();
  }
}

function resourceOf(url: string): string {
  const path = new URL(url).pathname;
  const parts = path.split('/').filter(Boolean);
  const ns = parts.indexOf('namespaces');
  const rest = ns === -1 ? parts.slice(parts[0] === 'api' ? 2 : 3) : parts.slice(ns + 2);
  if (rest.length === 0) return path;
  return rest.length >= 3 ? `${rest[0]}/${rest[2]}` : (rest[0] ?? path);
}
