import type { KubeClient } from '../client.js';
import { kubeClientFromEnv } from '../connect.js';
import type { LeaderTiming } from './decide.js';
import { LeaderElector, leaderLeaseName, type ElectionLogger } from './elector.js';
import type { LeaderSettings } from './env.js';

/** What a controller's `main.ts` wires from its leader settings. */
export interface Leadership {
  /** The elector; `undefined` when election is off (sole active replica). */
  readonly elector: LeaderElector | undefined;
  /** Give to the controller: once leadership is lost and work drained, stops the service (which then exits 1). */
  readonly onLostLeadership: (reason: string) => void;
  /** Both of the above as controller options: `{ elector?, onLostLeadership }`. */
  readonly controllerOptions: { readonly elector?: LeaderElector; readonly onLostLeadership: (reason: string) => void };
  /** Call with the running service, so a loss can stop it. */
  attach(service: { stop(reason?: string): Promise<number> }): void;
  /** The exit code for the service's `exit`: 1 after a lost Lease, so Kubernetes restarts the replica as a standby. */
  exitCode(code: number): number;
}

/**
 * The leader election of one controller process: its elector (on its own
 * client, with a request timeout of half the renew deadline so a hung
 * request cannot hold the loop) and the exit-on-loss wiring.
 */
export function leadershipOf(options: {
  /** Where the elector's own client connects from (`process.env`, as for the service's client). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fieldManager: string;
  readonly settings: LeaderSettings;
  readonly service: string;
  readonly namespace: string;
  readonly logger: ElectionLogger;
}): Leadership {
  const { settings } = options;
  const client = kubeClientFromEnv(options.env, { fieldManager: options.fieldManager, requestTimeoutMs: settings.timing.renewDeadlineMs / 2 });
  const elector = electorFromSettings(settings, { client, service: options.service, namespace: options.namespace, logger: options.logger });
  let lost = false;
  let service: { stop(reason?: string): Promise<number> } | undefined;
  const onLostLeadership = (reason: string) => {
    lost = true;
    void service?.stop(`lost leadership (${reason})`);
  };
  return {
    elector,
    onLostLeadership,
    // Exit 1 once the Lease is lost, so Kubernetes restarts this replica as a fresh standby.
    controllerOptions: { ...(elector && { elector }), onLostLeadership },
    attach: (running) => {
      service = running;
    },
    exitCode: (code) => (lost ? 1 : code),
  };
}

/** Builds the elector a service's settings ask for; `undefined` when election is off (sole active replica). */
export function electorFromSettings(
  settings: { readonly enabled: boolean; readonly identity: string; readonly timing: LeaderTiming },
  options: { readonly client: KubeClient; readonly service: string; readonly namespace: string; readonly logger?: ElectionLogger },
): LeaderElector | undefined {
  if (!settings.enabled) return undefined;
  return new LeaderElector({
    client: options.client,
    lease: { namespace: options.namespace, name: leaderLeaseName(options.service) },
    identity: settings.identity,
    timing: settings.timing,
    ...(options.logger && { logger: options.logger }),
  });
}
