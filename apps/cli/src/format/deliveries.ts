import { liveEnvironments, liveNow, replacementsOf, shortSha, waitingForPromotion, type Delivery } from '@sluice/delivery';
import type { Styles } from './color.js';
import { printableDeep } from './printable.js';
import { compactStages, phaseStyle } from './stages.js';
import type { Cell } from './table.js';
import { age } from './time.js';

/** Columns of `sluice deliveries`. */
export const DELIVERY_HEADER = ['NAME', 'APP', 'REF', 'SHA', 'PHASE', 'LIVE-IN', 'REASON', 'STAGES', 'AGE'] as const;

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

/**
 * Where the Delivery's revision serves traffic now (`staging,production`),
 * or `replaced` when it did and another Delivery's does now (`sluice show`
 * says by which and when); empty otherwise. A Delivery stays `Live` once it
 * went live: this column says whether it still is.
 */
export function liveText(d: Delivery): string {
  const live = liveEnvironments(d);
  if (live.length > 0) return live.join(',');
  return replacementsOf(d).length > 0 ? 'replaced' : '';
}

/** `Live now: shop production main-3f2a9c1-0b7e41d2, …`: the Delivery live in each environment, or nothing when none says so. */
export function liveNowLine(deliveries: readonly Delivery[]): string | undefined {
  const live = liveNow(deliveries);
  if (live.length === 0) return undefined;
  return `Live now: ${live.map((l) => `${l.application} ${l.environment} ${l.delivery}`).join(', ')}`;
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
    { text: liveText(d), style: liveEnvironments(d).length > 0 ? s.ok : s.dim },
    { text: reasonText(d), style: d.status?.reason ? s.bad : s.busy },
    { text: compactStages(d.status?.stages ?? []) },
    { text: age(d.spec.receivedAt, now) },
  ];
}

/** What changed in a row that matters to someone watching (everything but the age). */
export function rowSignature(d: Delivery): string {
  return JSON.stringify([d.spec.ref, d.status?.phase, liveText(d), reasonText(d), compactStages(d.status?.stages ?? [])]);
}
