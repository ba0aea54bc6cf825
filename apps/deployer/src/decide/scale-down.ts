import { ANNOTATIONS } from '@sluice/delivery';
import { COLORS, type Color } from '@sluice/manifests';
import type { DeploymentObject } from './facts.js';

/** Colors to scale to 0 now, and when to look again for the ones not due yet. */
export interface ScaleDownPlan {
  readonly now: readonly Color[];
  readonly recheckAtMs: number | undefined;
}

/**
 * Which colors are due to be scaled down: a non-empty `scale-down-at` in the
 * past, replicas left, and not the live color (traffic is never taken from
 * under a color, whatever an annotation says).
 */
export function scaleDownPlan(deployments: Readonly<Partial<Record<Color, DeploymentObject>>>, live: Color | undefined, now: number): ScaleDownPlan {
  const due: Color[] = [];
  let recheckAtMs: number | undefined;
  for (const color of COLORS) {
    const d = deployments[color];
    const at = Date.parse(d?.metadata.annotations?.[ANNOTATIONS.scaleDownAt] ?? '');
    if (!d || Number.isNaN(at) || color === live || (d.spec?.replicas ?? 0) === 0) continue;
    if (at <= now) due.push(color);
    else recheckAtMs = Math.min(recheckAtMs ?? at, at);
  }
  return { now: due, recheckAtMs };
}
