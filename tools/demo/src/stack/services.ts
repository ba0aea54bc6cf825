import { COLLECTOR, NAMESPACES, SERVICES } from './cluster.js';
import type { Kubectl } from './kubectl.js';

/** The four services and the collector, running as pods from deploy/. */
export interface Services {
  /** Base URL of the gateway (its Service's ClusterIP): webhooks at `/webhooks/gitlab`, run pages at `/deliveries/<name>`. */
  readonly gatewayUrl: string;
  /** Always their own ServiceAccounts now: they run in pods, as deploy/ installs them. */
  readonly identity: 'service-accounts';
  /** Each service's and the collector's last log lines, for a failure report. */
  logTails(lines?: number): Promise<string>;
}

/** Longest wait for the Deployments to roll out (image pulls from the node's registry, informers syncing). */
const ROLLOUT_TIMEOUT = '180s';

/**
 * Waits until the four services' and the collector's Deployments have rolled
 * out (their readiness probes answer: caches synced, API reachable) and the
 * gateway answers `/readyz` through its Service, the way webhooks reach it.
 */
export async function servicesInCluster(kubectl: Kubectl, gatewayUrl: string): Promise<Services> {
  const logTails = async (lines = 15): Promise<string> => {
    const parts = await Promise.all(
      [...SERVICES.map((name) => [NAMESPACES.system, name] as const), [NAMESPACES.observability, COLLECTOR] as const].map(async ([ns, name]) => {
        // Every replica (a controller's standby too), each line prefixed with its pod.
        const out = await kubectl.run(['logs', '-n', ns, '-l', `app.kubernetes.io/name=${name}`, `--tail=${lines}`, '--all-containers', '--prefix']);
        return `--- ${ns}/${name}\n${(out.status === 0 ? out.stdout : out.stderr).trimEnd()}`;
      }),
    );
    return parts.join('\n');
  };
  try {
    await Promise.all([
      ...SERVICES.map((name) => kubectl.must(['rollout', 'status', '-n', NAMESPACES.system, `deployment/${name}`, `--timeout=${ROLLOUT_TIMEOUT}`])),
      kubectl.must(['rollout', 'status', '-n', NAMESPACES.observability, `deployment/${COLLECTOR}`, `--timeout=${ROLLOUT_TIMEOUT}`]),
    ]);
    await waitReady(`${gatewayUrl}/readyz`);
  } catch (error) {
    const pods = await kubectl.run(['get', 'pods', '-A', '-o', 'wide']);
    throw new Error(`${(error as Error).message}\n${pods.stdout}\n${await logTails()}`);
  }
  return { gatewayUrl, identity: 'service-accounts', logTails };
}

/** Polls `url` until it answers 200 (a Service's first connection may race kube-proxy's rules). */
async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${status || 'no answer'})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
