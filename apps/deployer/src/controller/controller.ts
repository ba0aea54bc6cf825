import type { KubeClient } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import type { Telemetry } from '@sluice/telemetry';
import type { LeaseObject } from '../decide/lease.js';
import { startApplicationStatus } from './application-status.js';
import { Caches } from './caches.js';
import { WorkQueue } from '@sluice/kube';
import { reconcileEnvironment, type DeployerObserver } from './reconcile.js';
import type { DeployerSettings } from './settings.js';
import { DeployerTelemetry } from '../telemetry/observer.js';

/** A deployer controller; its informers start listing as soon as it is created. */
export interface Deployer {
  /** Waits for the caches, then starts handling environments (the first pass resumes interrupted rollouts). */
  readonly start: () => Promise<void>;
  /** True once every cache synced and work started. */
  readonly ready: () => boolean;
  /** Stops watching and handling; a step in flight finishes. */
  readonly stop: () => void;
}

/** What {@link startDeployer} needs. */
export interface DeployerOptions {
  readonly client: KubeClient;
  readonly settings: DeployerSettings;
  readonly logger: Logger;
  readonly observer?: DeployerObserver;
  /** Spans and metrics (see `telemetry/`); none when absent. */
  readonly telemetry?: Pick<Telemetry, 'tracer' | 'meter'>;
}

/**
 * Creates the deployer: informers on Applications, Deliveries and the blue/
 * green targets feed a work queue keyed by Application environment, so one
 * environment is handled serially and different ones in parallel.
 */
export function createDeployer(options: DeployerOptions): Deployer {
  const { client, settings, logger } = options;
  let started = false;
  const leases = new Map<string, LeaseObject>();
  const telemetry = options.telemetry && new DeployerTelemetry(options.telemetry);
  // Informer events arrive asynchronously, after `queue` below exists.
  const caches: Caches = new Caches(client, {
    namespace: settings.namespace,
    targetNamespaces: settings.targetNamespaces,
    onChange: (keys) => {
      for (const key of keys) queue.add(key);
    },
    onError: (what, err) => logger.warn({ what, err }, 'watch interrupted; resuming'),
  });
  // Application status (Ready condition) is written apart from the rollout loop.
  const applicationStatus = startApplicationStatus({ client, namespace: settings.namespace, logger });
  const queue = new WorkQueue({
    workers: settings.workers,
    handle: (key) =>
      reconcileEnvironment({ client, caches, settings, logger, leases, ...(options.observer && { observer: options.observer }), ...(telemetry && { telemetry }) }, key),
    onError: (key, err, retryInMs) => logger.warn({ key, err, retryInMs }, 'handling failed; retrying'),
  });
  return {
    start: async () => {
      await caches.synced();
      await applicationStatus.start();
      queue.start();
      for (const key of caches.allKeys()) queue.add(key);
      started = true;
      logger.info({ namespace: settings.namespace, targets: settings.targetNamespaces ?? 'all', identity: settings.identity }, 'deployer started');
    },
    ready: () => started,
    stop: () => {
      queue.stop();
      caches.stop();
      applicationStatus.stop();
    },
  };
}
