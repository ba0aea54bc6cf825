/**
 * `@sluice/kube/testing`: for tests and benches, not part of the runtime API.
 * `loadKubeConfig` is for those that must reach below the client (e.g. to
 * count the requests a KubeConfig authenticates; production code builds
 * clients with `kubeClientFromEnv` and never sees a KubeConfig);
 * `waitForLeaseHolder` is for the apps' high-availability tests.
 */
export { loadKubeConfig } from './kubeconfig.js';
import type { KubeClient } from './client.js';
import { leaderLeaseName } from './leader/elector.js';
import { readLease } from './leader/lease.js';

/**
 * Polls the leader Lease of `service` in `namespace` (every 50 ms) until its
 * holder satisfies `accept`; resolves with the holder and when it was seen.
 */
export async function waitForLeaseHolder(
  client: KubeClient,
  at: { readonly namespace: string; readonly service: string },
  accept: (holder: string) => boolean,
  timeoutMs = 30_000,
): Promise<{ readonly holder: string; readonly seenAtMs: number }> {
  const until = Date.now() + timeoutMs;
  let last: string | undefined;
  while (Date.now() < until) {
    const lease = await readLease(client, { namespace: at.namespace, name: leaderLeaseName(at.service) }).catch(() => undefined);
    last = lease?.spec?.holderIdentity ?? '';
    if (last !== '' && accept(last)) return { holder: last, seenAtMs: Date.now() };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the ${at.service} leader Lease in ${at.namespace} never got an accepted holder (last: "${last ?? 'none'}")`);
}
