/**
 * The deployer's spans, decided from what the cluster recorded: the deploy
 * stage's start and finish in the Delivery status, the switch time on the
 * Service (`sluice.dev/promoted-at`), the new pods' Ready times, and, when
 * this process did them itself, the exact switch and rollback times. Pure.
 */
import { ANNOTATIONS, findStage, parseRejected, REVISION_LABEL, type DeliveryStatus, type EnvironmentName, type Phase } from '@sluice/delivery';
import { COLOR_LABEL, type Color } from '@sluice/manifests';
import { ATTR, deploymentAttributes, epochMs, stageErrorType, stageSpan, type SpanError, type SpanRecord } from '@sluice/telemetry';
import type { EnvironmentFacts, ParsedDelivery, PodObject } from '../decide/facts.js';

/** A step this process timed itself (epoch milliseconds). */
export interface Timed {
  readonly startMs: number;
  readonly endMs: number;
}

/** Input of {@link deploySpan}. */
export interface DeploySpanInput {
  readonly delivery: ParsedDelivery;
  /** The status the deployer wrote when the stage ended. */
  readonly status: DeliveryStatus;
  /** The environment as the deployer saw it when it decided to end the stage (before a rollback's switch back). */
  readonly facts: EnvironmentFacts;
  /** The switch to the new color, when this process made it. */
  readonly switched?: Timed;
  /** The switch back, when this process made it. */
  readonly rolledBack?: Timed;
  readonly nowMs: number;
}

/**
 * `deploy <environment>` of a finished deploy stage (stage start → finish),
 * with `deployment.environment.name`, `k8s.namespace.name` and
 * `k8s.deployment.name` (the color the revision was rendered on), and its
 * steps as children: `rollout.wait` (stage start → the new pods Ready),
 * `switch` (the Service selector patch), `bake` (switch → verified, or →
 * the unhealthy decision), `rollback` (the switch back). The step where a
 * failed stage failed carries its status ERROR and `error.type`.
 */
export function deploySpan(input: DeploySpanInput): SpanRecord | undefined {
  const { delivery, status, facts } = input;
  const { environment, target } = facts;
  const stage = findStage(status, { name: 'deploy', environment });
  if (!stage || (stage.state !== 'succeeded' && stage.state !== 'failed')) return undefined;
  const sha = delivery.spec.checkoutSha;
  const color = colorOf(facts, sha);
  const span = stageSpan({
    delivery,
    stage,
    phase: status.phase,
    name: `deploy ${environment}`,
    nowMs: input.nowMs,
    attributes: {
      ...deploymentAttributes(environment, target.namespace, `${target.deploymentName}${color ? `-${color}` : ''}`),
      ...(color && { 'sluice.deploy.color': color }),
    },
  });
  if (stage.startedAt === undefined) return span; // refused before it started: nothing ran
  const errorType = stageErrorType(stage, status.phase);
  const error: SpanError | undefined = errorType === undefined ? undefined : { type: errorType, ...(stage.message !== undefined && { message: stage.message }) };
  return { ...span, children: deploySteps(input, span, status.phase, error) };
}

function deploySteps(input: DeploySpanInput, span: SpanRecord, phase: Phase, error: SpanError | undefined): SpanRecord[] {
  const { facts, delivery } = input;
  const sha = delivery.spec.checkoutSha;
  const ann = facts.service?.metadata.annotations ?? {};
  const promotedMs = epochMs(ann[ANNOTATIONS.promotedAt]);
  // The Service names this revision: its promoted-at is this revision's switch. After a switch back it names the
  // previous revision and promoted-at is the rollback's time.
  const liveHere = ann[ANNOTATIONS.revision] === sha;
  const switchedBack = !liveHere && phase === 'RolledBack' && parseRejected(ann[ANNOTATIONS.rejected]).includes(sha);
  const switched: Timed | undefined = input.switched ?? (liveHere && promotedMs !== undefined ? { startMs: promotedMs, endMs: promotedMs } : undefined);
  const rolledBack: Timed | undefined = input.rolledBack ?? (switchedBack && promotedMs !== undefined ? { startMs: promotedMs, endMs: span.endMs } : undefined);
  const attributes = { [ATTR.environment]: facts.environment };

  if (!switched && !rolledBack) {
    // Nothing reached traffic: the rollout (or the check after it) is where it stopped.
    const readyMs = error ? span.endMs : (readyAt(newPods(facts, sha), span.startMs) ?? span.endMs);
    return [{ name: 'rollout.wait', startMs: span.startMs, endMs: readyMs, attributes, ...(error && { error }) }];
  }
  const switchStartMs = switched?.startMs ?? rolledBack?.startMs ?? span.endMs;
  const readyMs = Math.min(readyAt(newPods(facts, sha), span.startMs) ?? switchStartMs, switchStartMs);
  const steps: SpanRecord[] = [{ name: 'rollout.wait', startMs: span.startMs, endMs: readyMs, attributes }];
  if (switched) {
    steps.push({ name: 'switch', startMs: switched.startMs, endMs: switched.endMs, attributes });
    steps.push({ name: 'bake', startMs: switched.endMs, endMs: rolledBack?.startMs ?? span.endMs, attributes, ...(error && { error }) });
  }
  if (rolledBack) {
    steps.push({ name: 'rollback', startMs: rolledBack.startMs, endMs: rolledBack.endMs, attributes: { ...attributes, [ATTR.rollbackTrigger]: 'automatic' } });
  }
  return steps;
}

/** The color the revision was rendered on. */
function colorOf(facts: EnvironmentFacts, sha: string): Color | undefined {
  return (['blue', 'green'] as const).find((c) => facts.deployments[c]?.metadata.annotations?.[ANNOTATIONS.revision] === sha);
}

function newPods(facts: EnvironmentFacts, sha: string): PodObject[] {
  return facts.pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === sha && p.metadata.labels?.[COLOR_LABEL] !== undefined);
}

/** When the last of `pods` became Ready (their `Ready` condition's transition time), if all are Ready. */
export function readyAt(pods: readonly PodObject[], notBeforeMs: number): number | undefined {
  if (pods.length === 0) return undefined;
  let latest = notBeforeMs;
  for (const pod of pods) {
    const ready = (pod.status?.conditions ?? []).find((c) => c.type === 'Ready') as { status: string; lastTransitionTime?: string } | undefined;
    const at = epochMs(ready?.lastTransitionTime);
    if (ready?.status !== 'True' || at === undefined) return undefined;
    latest = Math.max(latest, at);
  }
  return latest;
}

/** The key this process remembers its own timings under. */
export function timingKey(delivery: string, environment: EnvironmentName): string {
  return `${delivery}/${environment}`;
}
