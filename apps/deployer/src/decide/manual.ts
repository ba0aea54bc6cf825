import { ANNOTATIONS, rollbackTarget, shortSha } from '@sluice/delivery';
import { APP_LABEL, COLOR_LABEL, type Color } from '@sluice/manifests';
import type { EnvironmentFacts } from './facts.js';
import { readyBehind } from './pods.js';

/** What a manual action on the Application asks of one environment; `record` is the `sluice.dev/last-action` value. */
export type ManualStep =
  | { readonly kind: 'none' }
  | { readonly kind: 'refuse'; readonly why: string; readonly record: string }
  | {
      /** Instant: traffic back to `to`, which still runs the previous good revision. */
      readonly kind: 'rollback';
      readonly to: Color;
      readonly from: Color;
      readonly annotations: Readonly<Record<string, string>>;
      readonly scaleDownAt: string;
      readonly record: string;
    }
  | {
      /** The previous color is gone: a rollback Delivery redeploys `revision` through the normal steps. */
      readonly kind: 'redeploy';
      readonly revision: string;
      /** The Delivery that made `revision` live (its spec is reused), and its `receivedAt`. */
      readonly previousDelivery: string;
      readonly receivedAt: string;
      readonly record: string;
    };

/** The manual rollback is refused (`why`), recorded as `rollback@<now> refused: <why>`. */
export function refusal(now: number, why: string): Extract<ManualStep, { kind: 'refuse' }> {
  return { kind: 'refuse', why, record: `rollback@${new Date(now).toISOString()} refused: ${why}` };
}

/**
 * A manual rollback to the previous good revision (the Service's
 * `previous-revision`, only ever a verified one): switch the Service back at
 * once when the previous color still runs it with ready pods (during the
 * scale-down delay), else redeploy it on the idle color through the normal
 * steps (a rollback Delivery). Deferred while a rollout runs here (it has its
 * own automatic rollback). The rolled-away revision is not rejected.
 */
export function decideManual(facts: EnvironmentFacts, rolloutInProgress: boolean): ManualStep {
  const action = facts.application.metadata.annotations?.[ANNOTATIONS.action];
  if (rollbackTarget(action) !== facts.environment) return { kind: 'none' };
  if (rolloutInProgress) return { kind: 'none' };
  const at = new Date(facts.now).toISOString();
  const ann = facts.service?.metadata.annotations ?? {};
  const live = facts.service?.spec?.selector?.[COLOR_LABEL] as Color | undefined;
  const previous = ann[ANNOTATIONS.previousColor] as Color | undefined;
  const previousRevision = ann[ANNOTATIONS.previousRevision] ?? '';
  const refuse = (why: string): ManualStep => refusal(facts.now, why);
  if (!live || previousRevision === '') return refuse('there is no previous good revision to return to');
  if (previousRevision === ann[ANNOTATIONS.revision]) return refuse(`the previous good revision ${shortSha(previousRevision)} is already live`);
  const runsPrevious = previous !== undefined && previous !== live && facts.deployments[previous]?.metadata.annotations?.[ANNOTATIONS.revision] === previousRevision;
  const ready = runsPrevious ? readyBehind(facts.pods, { [APP_LABEL]: facts.target.deploymentName, [COLOR_LABEL]: previous }) : [];
  if (!runsPrevious || ready.length === 0) {
    return {
      kind: 'redeploy',
      revision: previousRevision,
      previousDelivery: ann[ANNOTATIONS.previousDelivery] ?? '',
      receivedAt: ann[ANNOTATIONS.previousReceivedAt] ?? '',
      record: `rollback@${at} → ${previousRevision} (redeploy)`,
    };
  }
  const record = `rollback@${at} → ${previousRevision} (switch to ${previous})`;
  const liveVerified = ann[ANNOTATIONS.revision] !== undefined && ann[ANNOTATIONS.verifiedRevision] === ann[ANNOTATIONS.revision];
  return {
    kind: 'rollback',
    to: previous,
    from: live,
    scaleDownAt: new Date(facts.now + facts.target.scaleDownDelaySeconds * 1000).toISOString(),
    record,
    annotations: {
      [ANNOTATIONS.revision]: previousRevision,
      [ANNOTATIONS.delivery]: ann[ANNOTATIONS.previousDelivery] ?? '',
      [ANNOTATIONS.receivedAt]: ann[ANNOTATIONS.previousReceivedAt] ?? '',
      // The rolled-away revision is kept as previous (a second rollback undoes this one) only when it had baked healthily.
      [ANNOTATIONS.previousColor]: liveVerified ? live : '',
      [ANNOTATIONS.previousRevision]: liveVerified ? (ann[ANNOTATIONS.revision] ?? '') : '',
      [ANNOTATIONS.previousDelivery]: liveVerified ? (ann[ANNOTATIONS.delivery] ?? '') : '',
      [ANNOTATIONS.previousReceivedAt]: liveVerified ? (ann[ANNOTATIONS.receivedAt] ?? '') : '',
      [ANNOTATIONS.verifiedRevision]: previousRevision,
      [ANNOTATIONS.promotedAt]: new Date(facts.now).toISOString(),
      [ANNOTATIONS.lastAction]: record,
    },
  };
}
