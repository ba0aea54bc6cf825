import {
  ANNOTATIONS,
  findStage,
  parseRejected,
  PROMOTE_ACTION,
  promotionApprovedAnnotation,
  shortSha,
  WAITING_FOR_PROMOTION,
  withRejected,
  type FailureReason,
} from '@sluice/delivery';
import { APP_LABEL, COLOR_LABEL, otherColor, type Color } from '@sluice/manifests';
import { bakeHealth } from './bake.js';
import type { DeploymentObject, EnvironmentFacts, ParsedDelivery } from './facts.js';
import { podsOf, readyBehind, totalRestarts } from './pods.js';
import { renderDeployment } from './render.js';
import { rolloutState } from './rollout.js';
import {
  failDeploy,
  finishDeploy,
  promotionApproved,
  stageMessage,
  startDeploy,
  startVerifying,
  supersede,
  waitForPromotion,
  type StatusChange,
} from './status.js';

/** The next thing to do for one delivery in one environment. Each is idempotent. */
export type Step =
  | {
      readonly kind: 'status';
      readonly why: string;
      readonly change: StatusChange;
      /** Starting the stage: first check that the target namespace is open to the Application and holds nothing of anyone else's. */
      readonly checkTarget?: true;
    }
  | { readonly kind: 'render'; readonly color: Color; readonly deployment: DeploymentObject }
  | { readonly kind: 'wait'; readonly why: string; readonly recheckAtMs?: number }
  | { readonly kind: 'precheck'; readonly urls: readonly string[] }
  | { readonly kind: 'switch'; readonly color: Color; readonly annotations: Readonly<Record<string, string>> }
  | {
      /** Consume the Delivery's `promote` action, recording the approval durably in the same (conditional) write. */
      readonly kind: 'approve';
      readonly annotations: Readonly<Record<string, string | null>>;
    }
  | {
      /** Traffic back to `to`; `from` (the failed color) scaled down at `scaleDownAt`; the delivery ends with `change`. */
      readonly kind: 'rollback';
      readonly to: Color;
      readonly from: Color;
      readonly annotations: Readonly<Record<string, string>>;
      readonly scaleDownAt: string;
      readonly change: StatusChange;
      readonly message: string;
    }
  | {
      /** Ends the stage with `change`, after scheduling the scale-down of `color` (if any). */
      readonly kind: 'end';
      readonly color: Color | undefined;
      /** Service annotations written first (a healthy bake marks the revision verified). */
      readonly verify?: Readonly<Record<string, string>>;
      readonly scaleDownAt: string;
      readonly change: StatusChange;
      readonly outcome: 'succeeded' | 'failed';
      readonly reason?: FailureReason;
      readonly message: string;
    };

/** Deployer settings that shape decisions. */
export interface DecideOptions {
  readonly minReadySeconds: number;
  readonly failedScaleDownDelayMs: number;
  readonly prePromotionCheck: boolean;
  /** Set once the pre-promotion check passed in this round. */
  readonly prePromotionPassed?: boolean;
}

/** The deploy stage's message once a manually promoted revision took traffic. */
const PROMOTED_BAKING = 'promoted; baking';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `value` as an ISO time when it is one (a hand-edited annotation may not be), else `fallbackMs`. */
function isoOr(value: string, fallbackMs: number): string {
  const ms = Date.parse(value);
  return iso(Number.isNaN(ms) ? fallbackMs : ms);
}

function specReplicas(d: DeploymentObject | undefined): number {
  return d?.spec?.replicas ?? 0;
}

/**
 * Decides the next step of `delivery` in the environment `facts` describe:
 * a pure function of the Delivery and what the cluster holds, so a restarted
 * deployer decides exactly where the last one stopped. The Service selector
 * is the live color; its annotations say which revision is live.
 */
export function decideStep(delivery: ParsedDelivery, facts: EnvironmentFacts, options: DecideOptions): Step {
  const { environment, target, service, deployments, pods, now } = facts;
  const sha = delivery.spec.checkoutSha;
  const name = delivery.metadata.name ?? '';
  const stage = findStage(delivery.status, { name: 'deploy', environment });
  const ann = service?.metadata.annotations ?? {};
  const live = service?.spec?.selector?.[COLOR_LABEL] as Color | undefined;
  const last = facts.order[facts.order.length - 1] === environment;
  const rejected = parseRejected(ann[ANNOTATIONS.rejected]);
  const app = target.deploymentName;

  if (!stage || (stage.state !== 'pending' && stage.state !== 'running')) return { kind: 'wait', why: 'stage is not open' };

  if (stage.state === 'pending') {
    if (rejected.includes(sha)) {
      const message = `revision ${shortSha(sha)} was rolled back in ${environment} before and is refused; push a newer commit`;
      return { kind: 'status', why: 'rejected revision', change: failDeploy(environment, 'Failed', 'PostPromotionUnhealthy', message) };
    }
    if (delivery.status.image === undefined) {
      const message = `revision ${shortSha(sha)} has no built image digest on its Delivery; Sluice deploys by digest only, never by tag`;
      return { kind: 'status', why: 'no image digest', change: failDeploy(environment, 'Failed', 'InternalError', message) };
    }
    const liveReceived = ann[ANNOTATIONS.receivedAt];
    // A manual rollback redeploys an older push on purpose.
    if (!isRollbackDelivery(delivery, environment) && liveReceived !== undefined && ann[ANNOTATIONS.revision] !== sha && liveReceived > delivery.spec.receivedAt) {
      const message = `a newer push (${shortSha(ann[ANNOTATIONS.revision] ?? '')}) is live in ${environment}; an older commit is never promoted over it`;
      return { kind: 'status', why: 'older than live', change: supersede(message, ann[ANNOTATIONS.delivery]) };
    }
    return { kind: 'status', why: 'start deploy stage', change: startDeploy(environment), checkTarget: true };
  }

  // Traffic is on this revision: bake.
  if (live !== undefined && ann[ANNOTATIONS.revision] === sha) {
    if (stage.promotion === 'approved' && stage.message === WAITING_FOR_PROMOTION) {
      return { kind: 'status', why: 'promoted', change: stageMessage(environment, PROMOTED_BAKING) };
    }
    if (last && delivery.status.phase === 'Deploying') return { kind: 'status', why: 'traffic switched', change: startVerifying() };
    const deployment = deployments[live];
    const replicas = specReplicas(deployment);
    const health = bakeHealth(deployment, podsOf(pods, app, live, sha), {
      replicas,
      restartsAtPromotion: Number(ann[ANNOTATIONS.restartsAtPromotion] ?? '0') || 0,
    });
    if (!health.healthy) return unhealthy(delivery, facts, live, health.message, options);
    const promotedAt = Date.parse(ann[ANNOTATIONS.promotedAt] ?? '') || now;
    const bakeEnds = promotedAt + target.bakeSeconds * 1000;
    if (now < bakeEnds) return { kind: 'wait', why: 'baking', recheckAtMs: bakeEnds };
    const message = `live in ${environment} on ${live}; healthy for ${target.bakeSeconds}s`;
    return {
      kind: 'end',
      // The other color, whatever it runs (the previous good revision, or an unverified one), is scaled down after the delay.
      color: deployments[otherColor(live)] ? otherColor(live) : undefined,
      ...(ann[ANNOTATIONS.verifiedRevision] !== sha && { verify: { [ANNOTATIONS.verifiedRevision]: sha } }),
      scaleDownAt: iso(now + target.scaleDownDelaySeconds * 1000),
      change: finishDeploy(environment, last, message),
      outcome: 'succeeded',
      message,
    };
  }

  // The switch back already happened (a crash between it and the status write): finish the rollback.
  if (rejected.includes(sha)) {
    const failed = (['blue', 'green'] as const).find((c) => deployments[c]?.metadata.annotations?.[ANNOTATIONS.revision] === sha && c !== live);
    const message = `revision ${shortSha(sha)} turned unhealthy after promotion; traffic is back on ${live ?? 'the previous color'}`;
    return {
      kind: 'end',
      color: failed,
      scaleDownAt: iso(now + options.failedScaleDownDelayMs),
      change: failDeploy(environment, 'RolledBack', 'PostPromotionUnhealthy', message),
      outcome: 'failed',
      reason: 'PostPromotionUnhealthy',
      message,
    };
  }

  // Before the switch: roll the new revision out on the idle color.
  const idle: Color = live === undefined ? 'blue' : otherColor(live);
  const liveReplicas = live === undefined ? 0 : specReplicas(deployments[live]);
  const replicas = liveReplicas > 0 ? liveReplicas : target.replicas;
  const current = deployments[idle];
  const rendered = current?.metadata.annotations?.[ANNOTATIONS.revision] === sha && specReplicas(current) === replicas;
  if (!current || !rendered) {
    return {
      kind: 'render',
      color: idle,
      deployment: renderDeployment({
        application: facts.application,
        environment,
        target,
        color: idle,
        sha,
        // Checked when the stage started; a Delivery's image never changes after its build.
        image: delivery.status.image ?? '',
        delivery: name,
        replicas,
        minReadySeconds: options.minReadySeconds,
      }),
    };
  }
  const newPods = podsOf(pods, app, idle, sha);
  const startedAtMs = Date.parse(stage.startedAt ?? '') || now;
  const state = rolloutState(current, newPods, { replicas, startedAtMs, timeoutSeconds: target.rolloutTimeoutSeconds, now });
  if (state.kind === 'failed') {
    return {
      kind: 'end',
      color: idle,
      scaleDownAt: iso(now + options.failedScaleDownDelayMs),
      change: failDeploy(environment, 'Failed', state.reason, state.message),
      outcome: 'failed',
      reason: state.reason,
      message: state.message,
    };
  }
  if (state.kind === 'progressing') return { kind: 'wait', why: state.why, recheckAtMs: startedAtMs + target.rolloutTimeoutSeconds * 1000 };

  const ready = readyBehind(newPods, { [APP_LABEL]: app, [COLOR_LABEL]: idle });
  if (options.prePromotionCheck && !options.prePromotionPassed) {
    const port = target.health.readiness.port ?? target.containerPort;
    const urls = ready.filter((p) => p.status?.podIP).map((p) => `http://${p.status?.podIP}:${port}${target.health.prePromotionPath}`);
    // The Deployment and its pods come from two watches: when the Deployment already counts the new pods ready and the pod
    // cache has not brought them yet, wait for them (their event brings the next step) rather than check fewer pods than
    // run — or none, which failed the stage "no ready pod with an IP to check" on a loaded machine. At the deadline, check what there is.
    const deadline = startedAtMs + target.rolloutTimeoutSeconds * 1000;
    if (urls.length < replicas && now < deadline) return { kind: 'wait', why: `the Deployment counts ${replicas} ready, the pod cache ${urls.length}`, recheckAtMs: deadline };
    return { kind: 'precheck', urls };
  }
  if (manualPromotion(facts) && !isRollbackDelivery(delivery, environment) && stage.promotion !== 'approved') {
    // Consuming the action records the approval on the Delivery (one conditional write); the stage's field follows.
    const approvedAt = delivery.metadata.annotations?.[promotionApprovedAnnotation(environment)];
    if (approvedAt !== undefined) return { kind: 'status', why: 'promotion approved', change: promotionApproved(environment, isoOr(approvedAt, now)) };
    if (delivery.metadata.annotations?.[ANNOTATIONS.action] === PROMOTE_ACTION) {
      return { kind: 'approve', annotations: { [ANNOTATIONS.action]: null, [promotionApprovedAnnotation(environment)]: iso(now) } };
    }
    if (stage.promotion !== 'waiting') return { kind: 'status', why: WAITING_FOR_PROMOTION, change: waitForPromotion(environment) };
    return { kind: 'wait', why: WAITING_FOR_PROMOTION };
  }
  return {
    kind: 'switch',
    color: idle,
    annotations: {
      [ANNOTATIONS.revision]: sha,
      [ANNOTATIONS.delivery]: name,
      [ANNOTATIONS.receivedAt]: delivery.spec.receivedAt,
      ...previousOnSwitch(ann, live),
      [ANNOTATIONS.promotedAt]: iso(now),
      [ANNOTATIONS.restartsAtPromotion]: String(totalRestarts(newPods)),
      ...(isRollbackDelivery(delivery, environment) && { [ANNOTATIONS.lastAction]: `rollback@${iso(now)} → ${sha} (redeployed as ${name})` }),
    },
  };
}

/** True when the Application asks for manual promotion in this environment (`spec.environments.<env>.promotion: manual`). */
export function manualPromotion(facts: EnvironmentFacts): boolean {
  return facts.application.spec.environments[facts.environment]?.promotion === 'manual';
}

/** True for a Delivery a manual rollback created to redeploy the previous good revision in `environment`. */
export function isRollbackDelivery(delivery: ParsedDelivery, environment: string): boolean {
  return delivery.metadata.annotations?.[ANNOTATIONS.rollback] === environment;
}

/**
 * What a switch records as `previous-*`: the live revision when it is
 * verified (it baked healthily, or a rollback returned to it), else the
 * previous good revision already recorded, whose color is no longer running
 * it (the idle color is being overwritten), so only a redeploy can return to it.
 */
export function previousOnSwitch(ann: Readonly<Record<string, string>>, live: Color | undefined): Record<string, string> {
  const liveRevision = ann[ANNOTATIONS.revision] ?? '';
  if (live !== undefined && liveRevision !== '' && ann[ANNOTATIONS.verifiedRevision] === liveRevision) {
    return {
      [ANNOTATIONS.previousColor]: live,
      [ANNOTATIONS.previousRevision]: liveRevision,
      [ANNOTATIONS.previousDelivery]: ann[ANNOTATIONS.delivery] ?? '',
      [ANNOTATIONS.previousReceivedAt]: ann[ANNOTATIONS.receivedAt] ?? '',
    };
  }
  return {
    [ANNOTATIONS.previousColor]: '',
    [ANNOTATIONS.previousRevision]: ann[ANNOTATIONS.previousRevision] ?? '',
    [ANNOTATIONS.previousDelivery]: ann[ANNOTATIONS.previousDelivery] ?? '',
    [ANNOTATIONS.previousReceivedAt]: ann[ANNOTATIONS.previousReceivedAt] ?? '',
  };
}

/** The promoted color is unhealthy during bake: roll back when allowed and possible, else fail. */
function unhealthy(delivery: ParsedDelivery, facts: EnvironmentFacts, live: Color, why: string, options: DecideOptions): Step {
  const { environment, target, service, pods, now } = facts;
  const ann = service?.metadata.annotations ?? {};
  const sha = delivery.spec.checkoutSha;
  const previous = ann[ANNOTATIONS.previousColor] as Color | undefined;
  const failWith = (reason: FailureReason, message: string): Step => ({
    kind: 'end',
    color: undefined,
    scaleDownAt: '',
    change: failDeploy(environment, 'Failed', reason, message),
    outcome: 'failed',
    reason,
    message,
  });
  if (!target.rollback.auto) return failWith('PostPromotionUnhealthy', `${why}; automatic rollback is off, traffic stays on ${live}`);
  if (!previous || previous === live) return failWith('RollbackFailed', `${why}; there is no previous color to return to`);
  const previousReady = readyBehind(pods, { [APP_LABEL]: target.deploymentName, [COLOR_LABEL]: previous });
  if (previousReady.length === 0) return failWith('RollbackFailed', `${why}; the previous color ${previous} has no ready pod, traffic stays on ${live}`);
  const message = `${why}; rolled back to ${previous} (${shortSha(ann[ANNOTATIONS.previousRevision] ?? '')})`;
  return {
    kind: 'rollback',
    to: previous,
    from: live,
    message,
    scaleDownAt: iso(now + options.failedScaleDownDelayMs),
    annotations: {
      [ANNOTATIONS.revision]: ann[ANNOTATIONS.previousRevision] ?? '',
      [ANNOTATIONS.delivery]: ann[ANNOTATIONS.previousDelivery] ?? '',
      [ANNOTATIONS.receivedAt]: ann[ANNOTATIONS.previousReceivedAt] ?? '',
      // The rejected revision is not a good one to return to: nothing is recorded as previous.
      [ANNOTATIONS.previousColor]: '',
      [ANNOTATIONS.previousRevision]: '',
      [ANNOTATIONS.previousDelivery]: '',
      [ANNOTATIONS.previousReceivedAt]: '',
      [ANNOTATIONS.verifiedRevision]: ann[ANNOTATIONS.previousRevision] ?? '',
      [ANNOTATIONS.promotedAt]: iso(now),
      [ANNOTATIONS.rejected]: withRejected(ann[ANNOTATIONS.rejected], sha),
    },
    change: failDeploy(environment, 'RolledBack', 'PostPromotionUnhealthy', message),
  };
}

/** The pre-promotion check failed: the stage fails as ReadinessFailed without touching traffic; the idle color is scaled down later. */
export function precheckFailed(facts: EnvironmentFacts, message: string, options: DecideOptions): Step {
  const live = facts.service?.spec?.selector?.[COLOR_LABEL] as Color | undefined;
  return {
    kind: 'end',
    color: live === undefined ? 'blue' : otherColor(live),
    scaleDownAt: iso(facts.now + options.failedScaleDownDelayMs),
    change: failDeploy(facts.environment, 'Failed', 'ReadinessFailed', message),
    outcome: 'failed',
    reason: 'ReadinessFailed',
    message,
  };
}
