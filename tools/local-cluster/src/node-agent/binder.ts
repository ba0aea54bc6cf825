/**
 * Our scheduler for one node: watches unbound pods cluster-wide, binds those
 * that fit (POST pods/binding), and marks the rest `PodScheduled=False,
 * reason=Unschedulable` with kube-scheduler's message. Unschedulable pods are
 * retried when capacity frees up ({@link Binder.nudge}) and every few seconds.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { EventRecorder } from './events.js';
import { startInformer } from './informer.js';
import { isApiStatus, STRATEGIC_MERGE_PATCH, type KubeClient } from './kube-client.js';
import { rfc3339 } from './runtime-state.js';
import { decideFit, isOursToSchedule, type SchedulableNode } from './scheduling.js';

export interface Binder {
  /** Re-examines unschedulable pods (a pod on the node finished or went away). */
  nudge(): void;
  readonly synced: Promise<void>;
  stop(): void;
}

export interface BinderOptions {
  readonly client: KubeClient;
  readonly node: SchedulableNode;
  /** Pods currently bound to the node (from the node's pod watch). */
  readonly podsOnNode: () => V1Pod[];
  readonly recordEvent: EventRecorder;
  readonly logger: Logger;
  /** How often unschedulable pods are retried anyway. Default 5000 ms. */
  readonly retryMs?: number;
}

export function startBinder(options: BinderOptions): Binder {
  const { client, node, logger } = options;
  const queue = new Set<string>();
  const pending = new Map<string, V1Pod>();
  /** Pods we bound that the node watch may not show yet (uid → pod with nodeName). */
  const recentlyBound = new Map<string, { pod: V1Pod; at: number }>();
  let running = false;
  let stopped = false;

  const kick = () => {
    if (running || stopped) return;
    running = true;
    void drain().finally(() => {
      running = false;
      if (queue.size && !stopped) kick();
    });
  };

  const drain = async () => {
    while (queue.size && !stopped) {
      const uid = queue.values().next().value as string;
      queue.delete(uid);
      const pod = pending.get(uid);
      if (pod && isOursToSchedule(pod)) await schedule(pod).catch((err: unknown) => logger.warn({ err, pod: key(pod) }, 'scheduling failed'));
    }
  };

  const onNode = (): V1Pod[] => {
    const now = Date.now();
    const pods = options.podsOnNode();
    const seen = new Set(pods.map((p) => p.metadata?.uid));
    for (const [uid, b] of recentlyBound) if (seen.has(uid) || now - b.at > 30_000) recentlyBound.delete(uid);
    return [...pods, ...[...recentlyBound.values()].map((b) => b.pod)];
  };

  const schedule = async (pod: V1Pod) => {
    const meta = pod.metadata!;
    const decision = decideFit(pod, node, onNode());
    if (decision.fits) {
      try {
        await client.request('POST', `/api/v1/namespaces/${meta.namespace}/pods/${meta.name}/binding`, {
          body: {
            apiVersion: 'v1',
            kind: 'Binding',
            metadata: { name: meta.name, namespace: meta.namespace, uid: meta.uid },
            target: { apiVersion: 'v1', kind: 'Node', name: node.name },
          },
        });
      } catch (err) {
        // Bound meanwhile, deleted, or recreated under the same name: nothing to do.
        if (isApiStatus(err, 404, 409)) return;
        throw err;
      }
      pending.delete(meta.uid!);
      recentlyBound.set(meta.uid!, { pod: { ...pod, spec: { ...pod.spec!, nodeName: node.name } }, at: Date.now() });
      logger.debug({ pod: key(pod) }, 'bound');
      options.recordEvent(
        { name: meta.name!, namespace: meta.namespace!, uid: meta.uid! },
        'Normal',
        'Scheduled',
        `Successfully assigned ${meta.namespace}/${meta.name} to ${node.name}`,
        { component: 'default-scheduler' },
      );
      return;
    }
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === decision.message) return;
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: decision.message,
      lastProbeTime: null,
      lastTransitionTime: current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : rfc3339(),
    };
    try {
      await client.request('PATCH', `/api/v1/namespaces/${meta.namespace}/pods/${meta.name}/status`, {
        body: { metadata: { uid: meta.uid }, status: { conditions: [condition] } },
        contentType: STRATEGIC_MERGE_PATCH,
      });
    } catch (err) {
      if (isApiStatus(err, 404, 409)) return;
      throw err;
    }
    logger.info({ pod: key(pod), message: decision.message }, 'pod is unschedulable');
    options.recordEvent({ name: meta.name!, namespace: meta.namespace!, uid: meta.uid! }, 'Warning', 'FailedScheduling', decision.message, {
      component: 'default-scheduler',
    });
  };

  const informer = startInformer<V1Pod>({
    client,
    path: '/api/v1/pods',
    fieldSelector: 'spec.nodeName=,status.phase!=Succeeded,status.phase!=Failed',
    logger,
    onUpsert: (pod) => {
      const uid = pod.metadata!.uid!;
      if (!isOursToSchedule(pod)) {
        pending.delete(uid);
        return;
      }
      pending.set(uid, pod);
      queue.add(uid);
      kick();
    },
    onDelete: (pod) => {
      pending.delete(pod.metadata!.uid!);
      queue.delete(pod.metadata!.uid!);
    },
  });

  const nudge = () => {
    for (const uid of pending.keys()) queue.add(uid);
    kick();
  };
  const timer = setInterval(nudge, options.retryMs ?? 5000);
  timer.unref();
  return {
    nudge,
    synced: informer.synced,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      informer.stop();
    },
  };
}

function key(pod: V1Pod): string {
  return `${pod.metadata?.namespace}/${pod.metadata?.name}`;
}
