import type { DeliveryStatus } from '@sluice/delivery';
import { API_GROUP_VERSION } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';

/**
 * Writes `status` to the Delivery through the status subresource, on top of
 * exactly the copy it was decided from (`current`, carrying its
 * resourceVersion). No retry here: a `Conflict` means the decision rested on
 * stale facts, so the caller decides again from fresh ones.
 */
export async function writeDeliveryStatus(client: KubeClient, current: KubeObject, status: DeliveryStatus): Promise<KubeObject> {
  const ref = { apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: current.metadata.namespace, name: current.metadata.name ?? '' };
  const result = await client.updateStatus<KubeObject, DeliveryStatus>(ref, () => status, { current, maxAttempts: 1 });
  return result.object;
}
