import type { DeliveryStatus } from './delivery.js';
import { closeOpenStages } from './stages.js';
import { advancePhase } from './status.js';

/** How a Delivery ends before it ran to completion. */
export interface EarlyEnd {
  /** `Superseded`: a newer push (or the live revision) wins. `Canceled`: its branch or tag was deleted. */
  readonly phase: 'Superseded' | 'Canceled';
  /** Why, for people; also the message of every stage it cancels. */
  readonly message: string;
  /** The newer Delivery, for `Superseded`. */
  readonly supersededBy?: string | undefined;
  readonly now: Date;
}

/**
 * Ends a Delivery early: the phase becomes `end.phase` (reason the same),
 * then every stage that has not ended is canceled with that reason and
 * message. The phase decides first: a Delivery that already ended (the
 * phase machine refuses to leave a final phase) is left exactly as it
 * ended, and the result is `undefined`, nothing to write. Pure, so it can
 * be re-applied after a write conflict.
 */
export function endEarly(status: DeliveryStatus, end: EarlyEnd): DeliveryStatus | undefined {
  const reason = end.phase;
  const moved = advancePhase(status, end.phase, { reason, message: end.message, ...(end.supersededBy !== undefined && { supersededBy: end.supersededBy }) });
  if (!moved.ok) return undefined;
  return closeOpenStages(moved.status, { state: 'canceled', reason, message: end.message, now: end.now });
}
