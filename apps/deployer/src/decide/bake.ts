import { isPodReady, totalRestarts } from './pods.js';
import type { DeploymentObject, PodObject } from './facts.js';

/** How the promoted color is doing during bake. */
export type BakeHealth = { readonly healthy: true } | { readonly healthy: false; readonly message: string };

/**
 * The promoted color's health during bake: every one of `replicas` pods of
 * the new revision is Ready, no container restarted since the switch, and
 * the Deployment still counts them all available.
 */
export function bakeHealth(
  deployment: DeploymentObject | undefined,
  pods: readonly PodObject[],
  options: { readonly replicas: number; readonly restartsAtPromotion: number },
): BakeHealth {
  const notReady = pods.find((p) => !isPodReady(p));
  if (notReady) return { healthy: false, message: `pod ${notReady.metadata.name ?? '?'} stopped being ready after promotion` };
  const restarts = totalRestarts(pods);
  if (restarts > options.restartsAtPromotion) {
    return { healthy: false, message: `containers of the new color restarted ${restarts - options.restartsAtPromotion} time(s) after promotion` };
  }
  if (pods.length < options.replicas) return { healthy: false, message: `only ${pods.length} of ${options.replicas} pods of the new color are left` };
  const available = deployment?.status?.availableReplicas ?? 0;
  if (!deployment || available < options.replicas) {
    return { healthy: false, message: `only ${available} of ${options.replicas} replicas of the new color are available` };
  }
  return { healthy: true };
}
