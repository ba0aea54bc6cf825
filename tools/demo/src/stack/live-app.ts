import type { KubeClient, KubeObject } from '@sluice/kube';
import type { LiveState } from '../expectations.js';
import { SAMPLE_APP } from '../sample-app/application.js';
import { NAMESPACES } from './cluster.js';

type ServiceObject = KubeObject & { spec?: { selector?: Record<string, string>; clusterIP?: string; ports?: { port?: number }[] } };
type PodObject = KubeObject & {
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
};

/** What the sample app's Service says is live: the selector's color and the deployer's revision annotation. */
export async function readLive(admin: KubeClient): Promise<LiveState> {
  const service = await admin.get<ServiceObject>({ apiVersion: 'v1', kind: 'Service', namespace: NAMESPACES.production, name: SAMPLE_APP });
  const color = service?.spec?.selector?.['color'];
  const revision = service?.metadata.annotations?.['sluice.dev/revision'];
  return { ...(color !== undefined && { color }), ...(revision !== undefined && { revision }) };
}

/**
 * `GET /` on a Ready pod of the live color, at its pod IP (the host has a
 * route to the node's pod range), so the answer names which pod gave it.
 */
export async function askLiveApp(admin: KubeClient, color: string, port = 8080): Promise<{ readonly body?: string; readonly pod?: string } | undefined> {
  const pods = await admin.list<PodObject>({ apiVersion: 'v1', kind: 'Pod', namespace: NAMESPACES.production }, { labelSelector: `app=${SAMPLE_APP},color=${color}` });
  const ready = pods.items.find((p) => p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  if (!ready) return {};
  const pod = `${ready.metadata.name ?? '?'} ${ready.status?.podIP}`;
  try {
    const res = await fetch(`http://${ready.status?.podIP}:${port}/`, { signal: AbortSignal.timeout(3_000) });
    return { body: await res.text(), pod };
  } catch {
    return { pod };
  }
}

/** `http://<ClusterIP>:<port>/` of the sample app's Service: how its users reach it (the host routes the service range). */
export async function sampleServiceUrl(admin: KubeClient): Promise<string> {
  const service = await admin.get<ServiceObject>({ apiVersion: 'v1', kind: 'Service', namespace: NAMESPACES.production, name: SAMPLE_APP });
  const ip = service?.spec?.clusterIP;
  if (!ip || ip === 'None') throw new Error(`Service ${NAMESPACES.production}/${SAMPLE_APP} has no ClusterIP`);
  return `http://${ip}:${service.spec?.ports?.[0]?.port ?? 80}/`;
}
