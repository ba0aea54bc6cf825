import { API_GROUP_VERSION, APPLICATION_RESOURCE } from '@sluice/delivery';
import { resourcePath, type Enqueue, type HandleResult, type KubeClient, type KubeObject, type SyncedCache } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import { writeApplicationConditions } from '../act/application-status.js';

/** Queue keys of Application status work; `:` never appears in an environment key (`<application>/<environment>`). */
const KEY_PREFIX = 'application-status:';

/** Application status work on the deployer's queue; see {@link applicationStatus}. */
export interface ApplicationStatusWork {
  /** The raw Application informer; once synced, every Application is queued. */
  readonly informer: SyncedCache;
  /** True for the queue keys this part handles. */
  readonly owns: (key: string) => boolean;
  /** Writes one Application's Ready condition when it changed. */
  readonly reconcile: (key: string) => Promise<HandleResult>;
}

/**
 * The deployer's Application status writer, on the same runtime queue as
 * rollouts (so only the leader writes, through the fenced client): its own
 * informer on the namespace's Applications (raw objects, so an invalid one is
 * seen too), keys `application-status:<name>`. Any change queues every
 * Application, because one Application's change can make another a
 * duplicate or lift that; an unchanged condition is not written.
 */
export function applicationStatus(options: {
  readonly client: KubeClient;
  readonly queue: Enqueue;
  readonly namespace: string;
  readonly logger: Logger;
  readonly now?: () => Date;
}): ApplicationStatusWork {
  const { client, queue, namespace, logger } = options;
  const now = options.now ?? (() => new Date());
  const queueAll = () => {
    for (const app of informer.list()) queue.add(KEY_PREFIX + (app.metadata.name ?? ''));
  };
  const informer = client.informer<KubeObject>({
    path: resourcePath({ apiVersion: API_GROUP_VERSION, plural: APPLICATION_RESOURCE.plural, namespace }),
    onEvent: queueAll,
    onError: (err) => logger.warn({ what: 'applications (status)', err }, 'watch interrupted; resuming'),
  });
  return {
    informer: {
      waitForSync: async () => {
        await informer.waitForSync();
        queueAll();
      },
      stop: () => informer.stop(),
    },
    owns: (key) => key.startsWith(KEY_PREFIX),
    reconcile: async (key) => {
      const name = key.slice(KEY_PREFIX.length);
      const app = informer.get(namespace, name);
      if (app === undefined) return {};
      const outcome = await writeApplicationConditions(client, app, informer.list(), now());
      if (outcome === 'written') logger.info({ application: name }, 'application conditions updated');
      return {};
    },
  };
}
