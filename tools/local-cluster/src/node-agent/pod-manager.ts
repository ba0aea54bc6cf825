/**
 * Watches the pods bound to this node (field selector `spec.nodeName=<node>`)
 * and keeps one {@link PodWorker} per pod UID. A worker outlives its pod's
 * run so that logs stay readable until the pod object is deleted.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { startInformer } from './informer.js';
import { isApiStatus } from './kube-client.js';
import { isTerminalPhase } from './pod-status.js';
import { PodWorker, type WorkerDeps } from './pod-worker.js';

export interface PodManager {
  readonly synced: Promise<void>;
  /** Pod objects currently bound to the node. */
  podsOnNode(): V1Pod[];
  /** The worker serving pod `namespace/name` (the newest one if the name was reused). */
  find(namespace: string, name: string): PodWorker | undefined;
  /** Stops watching and stops every pod's processes (no API writes). */
  stop(graceMs: number): Promise<void>;
}

export function startPodManager(deps: WorkerDeps, nodeName: string): PodManager {
  const workers = new Map<string, PodWorker>();
  const { client, logger } = deps;

  const deleteNow = (pod: V1Pod) => {
    const meta = pod.metadata!;
    client
      .request('DELETE', `/api/v1/namespaces/${meta.namespace}/pods/${meta.name}`, {
        body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: meta.uid } },
      })
      .catch((err: unknown) => {
        if (!isApiStatus(err, 404, 409)) logger.warn({ err, pod: `${meta.namespace}/${meta.name}` }, 'deleting the pod failed');
      });
  };

  const informer = startInformer<V1Pod>({
    client,
    path: '/api/v1/pods',
    fieldSelector: `spec.nodeName=${nodeName}`,
    logger,
    onUpsert: (pod) => {
      const uid = pod.metadata!.uid!;
      const worker = workers.get(uid);
      if (worker) return worker.update(pod);
      // Not ours to run (finished before this agent started, or deleted before it ran): only finish deletion.
      if (isTerminalPhase(pod.status?.phase) || pod.metadata?.deletionTimestamp) {
        if (pod.metadata?.deletionTimestamp) deleteNow(pod);
        return;
      }
      const created = new PodWorker(deps, pod);
      workers.set(uid, created);
      created.start();
    },
    onDelete: (pod) => {
      const uid = pod.metadata!.uid!;
      const worker = workers.get(uid);
      if (!worker) return;
      workers.delete(uid);
      void worker.remove().then(() => deps.onTerminal());
    },
  });

  return {
    synced: informer.synced,
    podsOnNode: () => [...informer.cache.values()],
    find: (namespace, name) => {
      let found: PodWorker | undefined;
      for (const w of workers.values()) if (w.namespace === namespace && w.name === name) found = w;
      return found;
    },
    stop: async (graceMs) => {
      informer.stop();
      await Promise.all([...workers.values()].map((w) => w.shutdown(graceMs)));
    },
  };
}
