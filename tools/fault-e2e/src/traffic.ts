/**
 * A steady client of every environment: what users would send through the
 * Service. The node-agent lane routes no ClusterIPs, so it does what
 * kube-proxy would: every 200 ms it sends `GET /` to each Ready pod the
 * Service's selector picks (the live color only), at the pod's address.
 * The sample app's unhealthy revisions turn unhealthy from that traffic.
 */
import { resourcePath, type KubeClient, type KubeObject } from '@sluice/kube';

type ServiceObject = KubeObject & { spec?: { selector?: Record<string, string>; ports?: { targetPort?: number | string; port?: number }[] } };
type PodObject = KubeObject & {
  spec?: { containers?: { ports?: { containerPort?: number }[] }[] };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
};

export interface TrafficClient {
  /** Requests answered (any status) and failed (no answer). */
  readonly counts: { answered: number; failed: number };
  stop(): void;
}

export async function startTraffic(client: KubeClient, namespace: string, periodMs = 200): Promise<TrafficClient> {
  const services = client.informer<ServiceObject>({ path: resourcePath({ apiVersion: 'v1', plural: 'services', namespace }), onEvent: () => undefined });
  const pods = client.informer<PodObject>({ path: resourcePath({ apiVersion: 'v1', plural: 'pods', namespace }), onEvent: () => undefined });
  await Promise.all([services.waitForSync(), pods.waitForSync()]);
  const counts = { answered: 0, failed: 0 };
  const inFlight = new Set<string>();
  const tick = () => {
    for (const svc of services.list()) {
      const selector = svc.spec?.selector;
      if (!selector || Object.keys(selector).length === 0) continue;
      for (const pod of pods.list()) {
        const labels = pod.metadata.labels ?? {};
        if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
        if (pod.metadata.deletionTimestamp) continue;
        if (!(pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')) continue;
        const ip = pod.status?.podIP;
        const port = pod.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 8080;
        if (!ip) continue;
        const target = `${ip}:${port}`;
        if (inFlight.has(target)) continue;
        inFlight.add(target);
        fetch(`http://${target}/`, { signal: AbortSignal.timeout(1_000) })
          .then(async (res) => {
            await res.arrayBuffer();
            counts.answered += 1;
          })
          .catch(() => {
            counts.failed += 1;
          })
          .finally(() => inFlight.delete(target));
      }
    }
  };
  const timer = setInterval(tick, periodMs);
  return {
    counts,
    stop: () => {
      clearInterval(timer);
      services.stop();
      pods.stop();
    },
  };
}
