import type { EnvironmentName } from '@sluice/delivery';
import { APP_LABEL, COLOR_LABEL, type Color } from '@sluice/manifests';
import { ANNOTATIONS } from './annotations.js';
import type { EnvironmentFacts } from './facts.js';
import { readyBehind } from './pods.js';

/** What a manual action on the Application asks of one environment. */
export type ManualStep =
  | { readonly kind: 'none' }
  | { readonly kind: 'refuse'; readonly why: string }
  | { readonly kind: 'rollback'; readonly to: Color; readonly from: Color; readonly annotations: Readonly<Record<string, string>>; readonly scaleDownAt: string };

/** The environment a `sluice.dev/action` value names for `rollback`, if it is a rollback. */
export function rollbackTarget(value: string | undefined): EnvironmentName | undefined {
  if (value === 'rollback') return 'production';
  if (value === 'rollback:production' || value === 'rollback:staging') return value.slice('rollback:'.length) as EnvironmentName;
  return undefined;
}

/**
 * A manual rollback: switch the Service back to the previous color, instantly,
 * when that color still has ready pods (during the scale-down delay). Refused
 * while a rollout runs here (it has its own automatic rollback) and when the
 * previous color is gone; redeploying an older revision is done by delivering it.
 */
export function decideManual(facts: EnvironmentFacts, rolloutInProgress: boolean): ManualStep {
  const action = facts.application.metadata.annotations?.[ANNOTATIONS.action];
  if (rollbackTarget(action) !== facts.environment) return { kind: 'none' };
  if (rolloutInProgress) return { kind: 'none' };
  const ann = facts.service?.metadata.annotations ?? {};
  const live = facts.service?.spec?.selector?.[COLOR_LABEL] as Color | undefined;
  const previous = ann[ANNOTATIONS.previousColor] as Color | undefined;
  if (!live || !previous || previous === live) return { kind: 'refuse', why: 'there is no previous color to return to' };
  const ready = readyBehind(facts.pods, { [APP_LABEL]: facts.target.deploymentName, [COLOR_LABEL]: previous });
  if (ready.length === 0) return { kind: 'refuse', why: `the previous color ${previous} has no ready pod (already scaled down); deliver the previous revision again instead` };
  return {
    kind: 'rollback',
    to: previous,
    from: live,
    scaleDownAt: new Date(facts.now + facts.target.scaleDownDelaySeconds * 1000).toISOString(),
    annotations: {
      [ANNOTATIONS.revision]: ann[ANNOTATIONS.previousRevision] ?? '',
      [ANNOTATIONS.delivery]: ann[ANNOTATIONS.previousDelivery] ?? '',
      [ANNOTATIONS.receivedAt]: ann[ANNOTATIONS.previousReceivedAt] ?? '',
      [ANNOTATIONS.previousColor]: live,
      [ANNOTATIONS.previousRevision]: ann[ANNOTATIONS.revision] ?? '',
      [ANNOTATIONS.previousDelivery]: ann[ANNOTATIONS.delivery] ?? '',
      [ANNOTATIONS.previousReceivedAt]: ann[ANNOTATIONS.receivedAt] ?? '',
      [ANNOTATIONS.promotedAt]: new Date(facts.now).toISOString(),
    },
  };
}
