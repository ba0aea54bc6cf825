/**
 * What a container is started with, apart from its command: the user it
 * runs as, its bind mounts, and the Secrets/ConfigMaps its environment reads.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1ConfigMap, V1Container, V1Pod, V1Secret } from '@kubernetes/client-node';
import { referencedObjects, type ReferencedData } from './env.js';
import { isApiStatus, type KubeClient } from './kube-client.js';
import type { PlannedMount } from './mount-plan.js';
import { configMapData, secretData } from './volume-files.js';
import type { VolumePaths } from './volumes.js';

/** The pod's hostname: spec.hostname or its name, at most 63 characters. */
export function hostnameOf(pod: V1Pod): string {
  return (pod.spec?.hostname || pod.metadata?.name || 'pod').slice(0, 63);
}

/**
 * uid/gid/groups from the container's and pod's securityContext, or
 * undefined to keep the agent's. There is no image USER to fall back on, so a
 * `runAsNonRoot` container without `runAsUser` runs as uid 1000.
 */
export function containerUser(pod: V1Pod, spec: V1Container): { uid: number; gid: number; groups: number[] } | undefined {
  const podSc = pod.spec?.securityContext ?? {};
  const sc = spec.securityContext ?? {};
  let uid = sc.runAsUser ?? podSc.runAsUser;
  if (uid === undefined && (sc.runAsNonRoot ?? podSc.runAsNonRoot)) uid = 1000;
  const gid = sc.runAsGroup ?? podSc.runAsGroup ?? (uid === undefined ? undefined : 0);
  if (uid === undefined && gid === undefined) return undefined;
  const groups = [...new Set([...(podSc.fsGroup !== undefined ? [podSc.fsGroup] : []), ...(podSc.supplementalGroups ?? [])])];
  return { uid: uid ?? 0, gid: gid ?? 0, groups };
}

/**
 * The container's bind mounts: its volumeMounts (with subPath), the
 * termination-message file and, unless on the host network, /etc/hosts.
 */
export function containerMounts(
  pod: V1Pod,
  spec: V1Container,
  volumes: VolumePaths,
  terminationLog: string,
  hostsFile: string,
): PlannedMount[] | { error: string } {
  const out: PlannedMount[] = [];
  for (const vm of spec.volumeMounts ?? []) {
    const v = volumes.get(vm.name);
    if (!v) return { error: `volume "${vm.name}" is not available` };
    const sub = vm.subPath ?? '';
    out.push({ target: vm.mountPath, source: sub ? join(v.path, sub) : v.path, readOnly: !!vm.readOnly, type: v.type });
  }
  out.push({ target: spec.terminationMessagePath || '/dev/termination-log', source: terminationLog, readOnly: false, type: 'file' });
  if (!pod.spec?.hostNetwork) out.push({ target: '/etc/hosts', source: hostsFile, readOnly: false, type: 'file' });
  return out;
}

/** Gives the first `count` mounts the type of what their source is now, creating missing subPath directories. */
export async function settleSubPaths(mounts: PlannedMount[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const m = mounts[i]!;
    const st = await stat(m.source).catch(() => undefined);
    if (!st) await mkdir(m.source, { recursive: true });
    mounts[i] = { ...m, type: !st || st.isDirectory() ? 'dir' : 'file' };
  }
}

/** Fetches the Secrets and ConfigMaps the container's env/envFrom name (missing ones are left out). */
export async function loadReferences(client: KubeClient, namespace: string, spec: V1Container): Promise<ReferencedData> {
  const refs = referencedObjects([spec]);
  const text = (data: Record<string, Buffer>) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('utf8')]));
  const get = <T>(path: string) =>
    client.request<T>('GET', path).catch((err: unknown) => {
      if (isApiStatus(err, 404)) return undefined;
      throw err;
    });
  const secrets = new Map<string, Record<string, string>>();
  const configMaps = new Map<string, Record<string, string>>();
  for (const name of refs.secrets) {
    const s = await get<V1Secret>(`/api/v1/namespaces/${namespace}/secrets/${name}`);
    if (s) secrets.set(name, text(secretData(s as { data?: Record<string, string> })));
  }
  for (const name of refs.configMaps) {
    const c = await get<V1ConfigMap>(`/api/v1/namespaces/${namespace}/configmaps/${name}`);
    if (c) configMaps.set(name, text(configMapData(c as { data?: Record<string, string> })));
  }
  return { secrets, configMaps };
}
