import { DeliveryStatusSchema, type Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import type { StatusChange } from '../decide/status.js';

/** Applies a pure status change to the Delivery through the status subresource (conflicts re-read and re-apply). */
export async function updateDelivery(client: KubeClient, delivery: Delivery, change: StatusChange, now: () => Date): Promise<boolean> {
  const result = await client.updateStatus<KubeObject>(
    { apiVersion: delivery.apiVersion, kind: delivery.kind, namespace: delivery.metadata.namespace, name: delivery.metadata.name ?? '' },
    (current) => {
      const parsed = DeliveryStatusSchema.safeParse(current['status'] ?? {});
      return parsed.success ? change(parsed.data, now()) : undefined;
    },
  );
  return result.changed;
}
