import { ANNOTATIONS } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import type { DeploymentObject } from '../decide/facts.js';

function ref(namespace: string, name: string) {
  return { apiVersion: 'apps/v1', kind: 'Deployment', namespace, name };
}

/**
 * Server-side applies a color's Deployment, taking over fields from earlier
 * scale-down patches. When the color exists, the apply is conditional on the
 * `resourceVersion` the decision saw (`seen`): a color that changed since —
 * switched to by someone else, re-rendered by a deposed replica — is not
 * overwritten from a stale decision (409, decided again).
 */
export async function applyDeployment(client: KubeClient, deployment: DeploymentObject, seen?: string): Promise<void> {
  const conditional = seen === undefined ? deployment : { ...deployment, metadata: { ...deployment.metadata, resourceVersion: seen } };
  await client.apply(conditional as KubeObject, { force: true });
}

/**
 * Records when a color is to be scaled down (empty: never); the housekeeping
 * step acts on it. `owner` is written too: a color an earlier deployer made
 * (no owner annotation yet) is adopted by its first write.
 */
export async function scheduleScaleDown(client: KubeClient, namespace: string, name: string, at: string, owner: string): Promise<void> {
  await client.mergePatch(ref(namespace, name), { metadata: { annotations: { [ANNOTATIONS.scaleDownAt]: at, [ANNOTATIONS.owner]: owner } } });
}

/**
 * Scales a color to 0; the Deployment stays so the next rollout reuses it.
 * Conditional on the Deployment the decision saw (`resourceVersion`): if it
 * changed since (re-rendered for a new rollout, or by a deposed replica's
 * or a person's write), the patch is refused with 409 Conflict and the
 * housekeeping is decided again from fresh facts. Writes `owner` (adopting
 * an earlier deployer's color).
 */
export async function scaleToZero(client: KubeClient, deployment: DeploymentObject, owner: string): Promise<void> {
  const { namespace = '', name = '', resourceVersion } = deployment.metadata;
  await client.mergePatch(ref(namespace, name), { metadata: { resourceVersion, annotations: { [ANNOTATIONS.owner]: owner } }, spec: { replicas: 0 } });
}
