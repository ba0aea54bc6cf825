/**
 * Who wrote what, when: watches Deliveries, Jobs, Deployments and Services
 * and attributes each change to the field manager whose `managedFields`
 * entry it changed (each service writes as `sluice-<service>`). The time is
 * when the watch event arrived here (ms), which is what a recovery is
 * measured with: SIGKILL of the active replica → first write by its service
 * again (the standby's).
 */
import { API_GROUP_VERSION } from '@sluice/delivery';
import { resourcePath, type Informer, type KubeClient, type KubeObject, type ManagedFieldsEntry } from '@sluice/kube';

export interface ObservedWrite {
  readonly manager: string;
  readonly atMs: number;
  readonly kind: string;
  readonly name: string;
}

export interface WriteObserver {
  readonly writes: readonly ObservedWrite[];
  /** The first write by `manager` at or after `afterMs`. */
  firstAfter(manager: string, afterMs: number): ObservedWrite | undefined;
  stop(): void;
}

function entries(obj: KubeObject | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of (obj?.metadata.managedFields ?? []) as ManagedFieldsEntry[]) {
    out.set(`${e.manager}|${e.operation}|${e.subresource ?? ''}`, `${e.time ?? ''}|${JSON.stringify(e.fieldsV1 ?? {})}`);
  }
  return out;
}

export async function observeWrites(client: KubeClient, at: { readonly namespace: string; readonly testNamespace: string; readonly appsNamespace: string }): Promise<WriteObserver> {
  const writes: ObservedWrite[] = [];
  let synced = false;
  const watch = (kind: string, path: string): Informer<KubeObject> =>
    client.informer<KubeObject>({
      path,
      keepManagedFields: true,
      onEvent: (event) => {
        if (!synced || event.type === 'RESYNC' || event.type === 'DELETED') return;
        const now = Date.now();
        const before = entries(event.type === 'MODIFIED' ? event.previous : undefined);
        const managers = new Set<string>();
        for (const [key, value] of entries(event.object)) {
          if (before.get(key) !== value) managers.add(key.split('|')[0] as string);
        }
        for (const manager of managers) writes.push({ manager, atMs: now, kind, name: event.object.metadata.name ?? '' });
      },
    });
  const informers = [
    watch('Delivery', resourcePath({ apiVersion: API_GROUP_VERSION, plural: 'deliveries', namespace: at.namespace })),
    watch('Job', resourcePath({ apiVersion: 'batch/v1', plural: 'jobs', namespace: at.testNamespace })),
    watch('Deployment', resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: at.appsNamespace })),
    watch('Service', resourcePath({ apiVersion: 'v1', plural: 'services', namespace: at.appsNamespace })),
  ];
  await Promise.all(informers.map((i) => i.waitForSync()));
  synced = true;
  return {
    writes,
    firstAfter: (manager, afterMs) => writes.find((w) => w.manager === manager && w.atMs >= afterMs),
    stop: () => informers.forEach((i) => i.stop()),
  };
}
