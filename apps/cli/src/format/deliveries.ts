import { shortSha, waitingForPromotion, type Delivery } from '@sluice/delivery';
import type { Styles } from './color.js';
import { printableDeep } from './printable.js';
import { compactStages, phaseStyle } from './stages.js';
import type { Cell } from './table.js';
import { age } from './time.js';

/** Columns of `sluice deliveries`. */
export const DELIVERY_HEADER = ['NAME', 'APP', 'REF', 'SHA', 'PHASE', 'REASON', 'STAGES', 'AGE'] as const;

const MAX_REF = 40;

/** The ref as people know it: the branch or tag, with `!iid` for a merge request. */
export function refText(d: Delivery): string {
  const ref = d.spec.ref.length > MAX_REF ? `${d.spec.ref.slice(0, MAX_REF - 1)}…` : d.spec.ref;
  return d.spec.mergeRequest ? `${ref} !${d.spec.mergeRequest.iid}` : ref;
}

/** Why the delivery stopped, or what it waits for. */
export function reasonText(d: Delivery): string {
  if (d.status?.reason) return d.status.reason;
  return waitingForPromotion(d.status?.stages ?? []) ? 'AwaitingPromotion' : '';
}

/** One row of the table; the Delivery's strings made {@link printableDeep | printable} first (the ref comes from the push). */
export function deliveryRow(delivery: Delivery, now: Date, s: Styles): Cell[] {
  const d = printableDeep(delivery);
  const phase = d.status?.phase ?? 'Pending';
  return [
    { text: d.metadata.name },
    { text: d.spec.application },
    { text: refText(d) },
    { text: shortSha(d.spec.checkoutSha, 8) },
    { text: phase, style: phaseStyle(phase, s) },
    { text: reasonText(d), style: d.status?.reason ? s.bad : s.busy },
    { text: compactStages(d.status?.stages ?? []) },
    { text: age(d.spec.receivedAt, now) },
  ];
}

/** What changed in a row that matters to someone watching (everything but the age). */
export function rowSignature(d: Delivery): string {
  return JSON.stringify([d.spec.ref, d.status?.phase, reasonText(d), compactStages(d.status?.stages ?? [])]);
}
