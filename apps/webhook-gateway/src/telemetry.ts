import { DeliverySchema } from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';
import { instruments, recordDeliveryEnd, type Telemetry } from '@sluice/telemetry';

/**
 * `sluice.delivery.duration` for the Deliveries the gateway itself ends: a
 * newer push supersedes older unfinished ones, a branch deletion cancels
 * them. Called once per Delivery, from the one status write that ended it.
 */
export function deliveryEndRecorder(meter: Telemetry['meter'], now: () => number = Date.now): (ended: KubeObject) => void {
  const metrics = instruments(meter);
  return (ended) => {
    const parsed = DeliverySchema.safeParse(ended);
    if (parsed.success && parsed.data.status) recordDeliveryEnd(metrics, parsed.data, parsed.data.status, now());
  };
}
