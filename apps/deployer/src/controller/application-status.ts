import { API_GROUP_VERSION, APPLICATION_RESOURCE } from '@sluice/delivery';
import { resourcePath, WorkQueue, type KubeClient, type KubeObject } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import { writeApplicationConditions } from '../act/application-status.js';

/** Keeps every Application's Ready condition current; see {@link startApplicationStatus}. */
export interface ApplicationStatusLoop {
  /** Waits for the Application listing, then writes conditions (every Application once, then on each change). */
  readonly start: () => Promise<void>;
  readonly stop: () => void;
}

/**
 * The deployer's Application status writer, apart from the rollout loop: its
 * own informer on the namespace's Applications (raw objects, so an invalid
 * one is seen too) and a one-worker queue keyed by Application name. Any
 * change queues every Application, because one Application's change can make
 * another a duplicate or lift that; an unchanged condition is not written.
 */
export function startApplicationStatus(options: { readonly client: KubeClient; readonly namespace: string; readonly logger: Logger; readonly now?: () => Date }): ApplicationStatusLoop {
  const { client, namespace, logger } = options;
  const now = options.now ?? (() => new Date());
  const queueAll = () => {
    for (const app of informer.list()) queue.add(app.metadata.name ?? '');
  };
  const informer = client.informer<KubeObject>({
    path: resourcePath({ apiVersion: API_GROUP_VERSION, plural: APPLICATION_RESOURCE.plural, namespace }),
    onEvent: queueAll,
    onError: (err) => logger.warn({ what: 'applications (status)', err }, 'watch interrupted; resuming'),
  });
  const queue = new WorkQueue({
    workers: 1,
    handle: async (name) => {
      const app = informer.get(namespace, name);
      if (app === undefined) return {};
      const outcome = await writeApplicationConditions(client, app, informer.list(), now());
      if (outcome === 'written') logger.info({ application: name }, 'application conditions updated');
      return {};
    },
    onError: (key, err, retryInMs) => logger.warn({ application: key, err, retryInMs }, 'writing application conditions failed; retrying'),
  });
  return {
    start: async () => {
      await informer.waitForSync();
      queue.start();
      queueAll();
    },
    stop: () => {
      queue.stop();
      informer.stop();
    },
  };
}
