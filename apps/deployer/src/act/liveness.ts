import { DeliveryStatusSchema, type DeliveryStatus } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import type { ParsedDelivery } from '../decide/facts.js';
import type { StatusChange } from '../decide/status.js';

/** Outcome of {@link writeLiveness}: `pruned` when the API server dropped the fields (a Delivery CRD older than this deployer). */
export type LivenessWrite = 'written' | 'unchanged' | 'pruned';

/**
 * Writes a liveness change through the status subresource, conditional on
 * the resourceVersion of the Delivery as the decision saw it (the cache's
 * copy: no read first); on a conflict the fresh status is read and the
 * change applied to it again, which makes it a no-op where it no longer applies.
 */
export async function writeLiveness(client: KubeClient, delivery: ParsedDelivery, change: StatusChange, now: () => Date): Promise<LivenessWrite> {
  let written: DeliveryStatus | undefined;
  const result = await client.updateStatus<KubeObject>(
    { apiVersion: delivery.apiVersion, kind: delivery.kind, namespace: delivery.metadata.namespace, name: delivery.metadata.name },
    (current) => {
      const parsed = DeliveryStatusSchema.safeParse(current['status'] ?? {});
      written = parsed.success ? change(parsed.data, now()) : undefined;
      return written;
    },
    { current: delivery as unknown as KubeObject },
  );
  if (!result.changed || written === undefined) return 'unchanged';
  // A structural schema drops fields it does not know without an error: the write "succeeds" and the field is gone.
  const stored = (result.object['status'] ?? {}) as Partial<DeliveryStatus>;
  const dropped = (written.liveIn !== undefined && stored.liveIn === undefined) || (written.replaced !== undefined && stored.replaced === undefined);
  return dropped ? 'pruned' : 'written';
}
