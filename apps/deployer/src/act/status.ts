import { DeliveryStatusSchema, type Delivery, type DeliveryStatus } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import type { StatusChange } from '../decide/status.js';

/**
 * Applies a pure status change to the Delivery through the status
 * subresource (conflicts re-read and re-apply). Returns the status written,
 * or `undefined` when there was nothing to change.
 */
export async function updateDelivery(client: KubeClient, delivery: Delivery, change: StatusChange, now: () => Date): Promise<DeliveryStatus | undefined> {
  let written: DeliveryStatus | undefined;
  const result = await client.updateStatus<KubeObject>(
    { apiVersion: delivery.apiVersion, kind: delivery.kind, namespace: delivery.metadata.namespace, name: delivery.metadata.name ?? '' },
    (current) => {
      const parsed = DeliveryStatusSchema.safeParse(current['status'] ?? {});
      written = parsed.success ? change(parsed.data, now()) : undefined;
      return written;
    },
  );
  return result.changed ? written : undefined;
}
