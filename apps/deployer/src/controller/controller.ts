import { ControllerRuntime, type KubeClient, type LeaderElector, type RuntimeStatus } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import type { Telemetry } from '@sluice/telemetry';
import type { LeaseObject } from '../decide/lease.js';
import { applicationStatus } from './application-status.js';
import { Caches } from './caches.js';
import { reconcileEnvironment, type DeployerObserver } from './reconcile.js';
import type { DeployerSettings } from './settings.js';
import { DeployerTelemetry } from '../telemetry/observer.js';

/** A deployer controller on the shared runtime; nothing is watched before {@link Deployer.start}. */
export interface Deployer {
  /** Waits for leadership, then for the caches, then starts handling environments (the first pass resumes interrupted rollouts). */
  readonly start: () => Promise<void>;
  /** Readiness: a standby, or a leader whose caches synced and work started. */
  readonly ready: () => boolean;
  /** Role, Lease holder, caches. */
  readonly status: () => RuntimeStatus;
  /** Stops watching and handling; a step in flight finishes; the leader Lease is released. */
  readonly stop: () => Promise<void>;
}

/** What {@link createDeployer} needs. */
export interface DeployerOptions {
  readonly client: KubeClient;
  readonly settings: DeployerSettings;
  readonly logger: Logger;
  readonly observer?: DeployerObserver;
  /** Spans and metrics (see `telemetry/`); none when absent. */
  readonly telemetry?: Pick<Telemetry, 'tracer' | 'meter'>;
  /** Leader election; none: this replica is the sole active one. */
  readonly elector?: LeaderElector;
  /** Called once leadership is lost and work drained (main exits non-zero). */
  readonly onLostLeadership?: (reason: string) => void;
}

/**
 * Creates the deployer: once it leads, informers on Applications, Deliveries
 * and the blue/green targets feed the runtime's queue keyed by Application
 * environment, so one environment is handled serially and different ones in parallel.
 */
export function createDeployer(options: DeployerOptions): Deployer {
  const { settings, logger } = options;
  const leases = new Map<string, LeaseObject>();
  const telemetry = options.telemetry && new DeployerTelemetry(options.telemetry);
  const runtime = new ControllerRuntime({
    name: 'deployer',
    client: options.client,
    concurrency: settings.workers,
    logger,
    onError: (key, err) => logger.warn({ key, err }, 'handling failed; retrying'),
    ...(options.elector && { elector: options.elector }),
    ...(options.onLostLeadership && { onLostLeadership: options.onLostLeadership }),
    setup: ({ client, queue }) => {
      const caches = new Caches(client, {
        namespace: settings.namespace,
        targetNamespaces: settings.targetNamespaces,
        onChange: (keys) => keys.forEach((key) => queue.add(key)),
        onError: (what, err) => logger.warn({ what, err }, 'watch interrupted; resuming'),
      });
      const deps = { client, caches, settings, logger, leases, liveness: { pruned: false }, ...(options.observer && { observer: options.observer }), ...(telemetry && { telemetry }) };
      // Applications' Ready conditions, on the same queue (keys of their own).
      const applications = applicationStatus({ client, queue, namespace: settings.namespace, logger });
      return {
        informers: [{ waitForSync: () => caches.synced(), stop: () => caches.stop() }, applications.informer],
        keys: () => caches.allKeys(),
        reconcile: (key) => (applications.owns(key) ? applications.reconcile(key) : reconcileEnvironment(deps, key)),
        onStarted: () => logger.info({ namespace: settings.namespace, targets: settings.targetNamespaces ?? 'all', identity: settings.identity }, 'deployer started'),
      };
    },
  });
  return {
    start: () => runtime.start(),
    ready: () => runtime.ready(),
    status: () => runtime.status(),
    stop: () => runtime.stop(),
  };
}
