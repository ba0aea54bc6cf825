import { ANNOTATIONS, shortSha, type EnvironmentName } from '@sluice/delivery';
import type { KubeClient } from '@sluice/kube';
import { COLOR_LABEL, type Color } from '@sluice/manifests';
import type { Logger } from '@sluice/service';
import { applyDeployment, scaleToZero, scheduleScaleDown } from '../act/deployments.js';
import { consumeAction, consumeDeliveryAction } from '../act/application.js';
import { writeLiveness } from '../act/liveness.js';
import { createLease, readLease, takeLease } from '../act/lease.js';
import { prePromotionCheck } from '../act/precheck.js';
import { annotateService, createService, switchService, type ServiceRef } from '../act/service.js';
import { updateDelivery } from '../act/status.js';
import { readTarget, type TargetRead } from '../act/target.js';
import type { EnvironmentFacts, ParsedDelivery } from '../decide/facts.js';
import { leaseDecision, leaseName, type LeaseObject } from '../decide/lease.js';
import { decideLiveness } from '../decide/liveness.js';
import { decideManual, refusal, type ManualStep } from '../decide/manual.js';
import { claimantOf, type Claimant } from '../decide/ownership.js';
import { rollbackDelivery } from '../decide/rollback.js';
import { deployStageOf, environmentQueue, newerPushOnLine, pushOf, waitingCount } from '../decide/queue.js';
import { scaleDownPlan } from '../decide/scale-down.js';
import { failDeploy, supersede } from '../decide/status.js';
import { decideStep, isRollbackDelivery, precheckFailed, type Step } from '../decide/step.js';
import { ownedFacts, targetVerdict } from '../decide/target.js';
import type { DeployerTelemetry } from '../telemetry/observer.js';
import type { Caches } from './caches.js';
import type { HandleResult, KubeObject } from '@sluice/kube';
import type { DeployerSettings } from './settings.js';

/** Hooks for measuring the deployer (the benchmark); all optional. */
export interface DeployerObserver {
  /** One handling of a delivery's environment: how long deciding and acting took, and what was done. */
  onHandled?(event: { readonly delivery: string; readonly environment: EnvironmentName; readonly step: Step['kind']; readonly ms: number }): void;
  /** A rollback: when the unhealthy decision was made and when the Service write returned. */
  onRollback?(event: { readonly delivery: string; readonly environment: EnvironmentName; readonly decidedAtMs: number; readonly switchedAtMs: number }): void;
}

/** What handling an environment needs. */
export interface ReconcileDeps {
  readonly client: KubeClient;
  readonly caches: Caches;
  readonly settings: DeployerSettings;
  readonly logger: Logger;
  readonly observer?: DeployerObserver;
  /** Last Lease seen per key, so a held Lease costs no API call per event. */
  readonly leases: Map<string, LeaseObject>;
  /** Told about switches, rollbacks and the status writes that end stages and Deliveries (spans, metrics). */
  readonly telemetry?: DeployerTelemetry;
  /** Set once the API server dropped `status.liveIn`/`replaced` (a Delivery CRD older than this deployer): they are not written again. */
  readonly liveness?: { pruned: boolean };
}

function earliest(...times: (number | undefined)[]): number | undefined {
  const defined = times.filter((t): t is number => t !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}

/**
 * Handles one Application environment (`<application>/<environment>`): scale
 * down colors that are due, pick the delivery whose turn it is, hold the
 * environment's Lease, decide its next step and take it. One step per
 * handling; the watch event the step causes brings the next one.
 */
export async function reconcileEnvironment(deps: ReconcileDeps, key: string): Promise<HandleResult> {
  const [appName = '', envName = ''] = key.split('/');
  const environment = envName as EnvironmentName;
  const application = deps.caches.application(appName);
  if (!application) return {};
  const now = Date.now();
  const deliveries = deps.caches.deliveriesOf(appName);
  const claimant = claimantOf(application, deliveries);
  const cached = deps.caches.facts(application, environment, now);
  if (!cached) return {};
  // Only this Application's objects inform its decisions; anything else where it would write is refused at the write.
  const facts = ownedFacts(cached, claimant);
  const live = facts.service?.spec?.selector?.[COLOR_LABEL] as Color | undefined;

  const plan = scaleDownPlan(facts.deployments, live, now);
  for (const color of plan.now) {
    deps.logger.info({ application: appName, environment, namespace: facts.target.namespace, color }, 'scaling down color');
    const deployment = facts.deployments[color];
    if (deployment) await scaleToZero(deps.client, deployment, claimant.owner);
  }

  await recordLiveness(deps, facts, deliveries);

  const queue = environmentQueue(deliveries, environment);
  for (const older of queue.superseded) {
    const by = queue.current?.metadata.name;
    await supersedeHere(deps, older, environment, by, `a newer delivery (${by ?? '?'}) replaces it in ${environment}`);
  }

  // Two webhooks of one branch handled at once do not see each other at the gateway: an older push is superseded here, before it starts.
  const current = queue.current;
  const newer = current && deployStageOf(current, environment)?.state === 'pending' ? newerPushOnLine(pushOf(current), deps.caches.pushesOf(appName)) : undefined;
  if (current && newer !== undefined) {
    await supersedeHere(deps, current, environment, newer, `a newer push (${newer}) to ${current.spec.ref} arrived before it was deployed to ${environment}`);
    return { recheckAtMs: plan.recheckAtMs };
  }

  const manual = decideManual(facts, queue.current !== undefined);
  if (manual.kind !== 'none') await actManual(deps, facts, claimant, manual);

  const lease = await holdLease(deps, key, appName, environment, queue.current?.metadata.name);
  deps.telemetry?.waiting(key, waitingCount(deliveries, environment, lease.kind === 'held'));
  if (!queue.current) return { recheckAtMs: plan.recheckAtMs };
  if (lease.kind === 'blocked') return { recheckAtMs: lease.untilMs };

  const step = await act(deps, queue.current, facts, claimant);
  return { recheckAtMs: earliest(step, plan.recheckAtMs, lease.renewAtMs) };
}

/**
 * Keeps `status.liveIn` / `status.replaced` of the Application's Deliveries
 * true to the environment's Service, whichever switch moved it (rollout,
 * automatic or manual rollback, or one a previous leader made).
 */
async function recordLiveness(deps: ReconcileDeps, facts: EnvironmentFacts, deliveries: readonly ParsedDelivery[]): Promise<void> {
  if (deps.liveness?.pruned) return;
  for (const { delivery, kind, change } of decideLiveness(facts, deliveries)) {
    const log = { deliveryId: delivery.metadata.name, environment: facts.environment, liveDelivery: facts.service?.metadata.annotations?.[ANNOTATIONS.delivery] };
    const outcome = await writeLiveness(deps.client, delivery, change, () => new Date());
    if (outcome === 'pruned') {
      // Writing again would only loop on the watch event each write causes.
      if (deps.liveness) deps.liveness.pruned = true;
      deps.logger.error(log, 'the Delivery CRD dropped status.liveIn/replaced: apply the CRD of this version (deploy/base/crds.yaml); not recording liveness until restarted');
      return;
    }
    if (outcome === 'written') deps.logger.info(log, kind === 'live' ? 'delivery live in environment' : 'delivery replaced in environment');
  }
}

/** Supersedes `delivery` (waiting for `environment`) by `by`, logged and counted. */
async function supersedeHere(deps: ReconcileDeps, delivery: ParsedDelivery, environment: EnvironmentName, by: string | undefined, message: string): Promise<void> {
  deps.logger.info({ deliveryId: delivery.metadata.name, sha: delivery.spec.checkoutSha, environment, supersededBy: by }, 'superseded');
  const written = await updateDelivery(deps.client, delivery, supersede(message, by), () => new Date());
  if (written) deps.telemetry?.statusWritten(delivery, environment, written);
}

/** Takes a manual action once: consumed from the Application first, then acted on. */
async function actManual(deps: ReconcileDeps, facts: EnvironmentFacts, claimant: Claimant, decided: Exclude<ManualStep, { kind: 'none' }>): Promise<void> {
  const { application, target, environment } = facts;
  const log = deps.logger.child({ application: application.metadata.name, environment, namespace: target.namespace });
  let manual = decided;
  if (manual.kind === 'rollback') {
    // The switch back writes the Service and both colors: refused (and recorded so) where they are not this Application's to write.
    const verdict = targetVerdict(application, target, await readTarget(deps.client, facts, false), claimant);
    if (!verdict.ok) manual = refusal(facts.now, `${verdict.reason}: ${verdict.message}`);
  }
  // Consumed first, with its outcome recorded in the same write: at-most-once.
  if (!(await consumeAction(deps.client, deps.settings.namespace, application.metadata.name ?? '', application.metadata.resourceVersion, manual.record))) return;
  if (manual.kind === 'refuse') {
    log.warn({ why: manual.why }, 'manual rollback refused');
    return;
  }
  if (manual.kind === 'redeploy') {
    // The previous color is gone: a rollback Delivery takes the normal steps (render, rollout, check, switch, bake).
    const previous = deps.caches.deliveriesOf(application.metadata.name ?? '').find((d) => d.metadata.name === manual.previousDelivery);
    const rollback = rollbackDelivery({ application, environment, revision: manual.revision, receivedAt: manual.receivedAt, previous, now: facts.now });
    await deps.client.create(rollback.object as unknown as KubeObject);
    await deps.client.updateStatus<KubeObject>(
      { apiVersion: rollback.object.apiVersion, kind: 'Delivery', namespace: rollback.object.metadata.namespace, name: rollback.object.metadata.name },
      () => rollback.status,
    );
    log.warn({ sha: manual.revision, deliveryId: rollback.object.metadata.name }, 'manual rollback: redeploying the previous good revision');
    return;
  }
  // The color returning to traffic must not be scaled down by the schedule its last promotion left on it.
  await scheduleScaleDown(deps.client, target.namespace, `${target.deploymentName}-${manual.to}`, '', claimant.owner);
  // Unconditional: the action is consumed already, so a refused switch could not be retried.
  await switchService(deps.client, { namespace: target.namespace, name: target.serviceName, owner: claimant.owner }, manual.to, manual.annotations);
  deps.telemetry?.manualRollback(application.metadata.name ?? '', environment);
  await scheduleScaleDown(deps.client, target.namespace, `${target.deploymentName}-${manual.from}`, manual.scaleDownAt, claimant.owner);
  log.warn({ color: manual.to, failedColor: manual.from }, 'manual rollback: traffic back on the previous color');
}

type LeaseState = { readonly kind: 'held'; readonly renewAtMs: number } | { readonly kind: 'blocked'; readonly untilMs: number };

/** Takes, renews or releases the environment's Lease for `delivery` (none: release). */
async function holdLease(deps: ReconcileDeps, key: string, appName: string, environment: string, delivery: string | undefined): Promise<LeaseState> {
  const { client, settings, leases } = deps;
  const name = leaseName(appName, environment);
  const ns = settings.namespace;
  let lease = leases.get(key);
  if (delivery === undefined) {
    if (lease?.spec?.holderIdentity !== settings.identity) return { kind: 'held', renewAtMs: Number.MAX_SAFE_INTEGER };
    const released = await takeLease(client, lease, { identity: null, delivery: null, durationMs: settings.leaseDurationMs, transition: false });
    if (released) leases.set(key, released);
    else leases.delete(key);
    return { kind: 'held', renewAtMs: Number.MAX_SAFE_INTEGER };
  }
  const now = Date.now();
  let decision = lease ? leaseDecision(lease, settings.identity, now, settings.leaseDurationMs) : undefined;
  if (decision?.kind === 'held' && lease?.metadata.annotations?.[ANNOTATIONS.delivery] === delivery) return decision;
  lease = await readLease(client, ns, name);
  decision = leaseDecision(lease, settings.identity, now, settings.leaseDurationMs);
  if (decision.kind === 'blocked') {
    deps.logger.info({ lease: name, holder: decision.holder }, 'environment held by another deployer; waiting');
    return decision;
  }
  const taken =
    decision.kind === 'create' || !lease
      ? await createLease(client, ns, name, settings.identity, settings.leaseDurationMs, delivery)
      : await takeLease(client, lease, { identity: settings.identity, delivery, durationMs: settings.leaseDurationMs, transition: decision.kind === 'take' && decision.transition });
  if (!taken) {
    leases.delete(key);
    return { kind: 'blocked', untilMs: Date.now() + 1_000 };
  }
  leases.set(key, taken);
  return { kind: 'held', renewAtMs: Date.now() + settings.leaseDurationMs / 3 };
}

/** Decides and takes one step for `delivery`; returns when to look again if no event will say so. */
async function act(deps: ReconcileDeps, delivery: ParsedDelivery, facts: EnvironmentFacts, claimant: Claimant): Promise<number | undefined> {
  const { client, settings } = deps;
  const started = performance.now();
  const { target, environment } = facts;
  const name = delivery.metadata.name ?? '';
  const log = deps.logger.child({ deliveryId: name, namespace: target.namespace, sha: delivery.spec.checkoutSha, environment });
  const options = { minReadySeconds: settings.minReadySeconds, failedScaleDownDelayMs: settings.failedScaleDownDelayMs, prePromotionCheck: settings.prePromotionCheck };
  let step = decideStep(delivery, facts, options);
  const now = () => new Date();
  const deploymentName = (color: Color) => `${target.deploymentName}-${color}`;
  let recheck: number | undefined;

  if (step.kind === 'precheck') {
    const result = await prePromotionCheck(step.urls);
    step = result.ok ? decideStep(delivery, facts, { ...options, prePromotionPassed: true }) : precheckFailed(facts, result.message, options);
  }
  let read: TargetRead | undefined;
  if (writesTarget(step)) {
    // Before any write in the target (and when the stage starts): the namespace must be open to this Application, and
    // the Service and both colors absent or its own. Otherwise the stage fails and nothing is written there.
    const fresh = step.kind === 'render' || step.kind === 'end';
    read = await readTarget(client, facts, fresh);
    const verdict = targetVerdict(facts.application, target, read, claimant);
    if (!verdict.ok) {
      log.warn({ step: step.kind, reason: verdict.reason, why: verdict.message }, 'deploy refused: the target is not this Application\'s');
      const written = await updateDelivery(client, delivery, failDeploy(environment, 'Failed', verdict.reason, verdict.message), now);
      if (written) deps.telemetry?.statusWritten(delivery, environment, written, facts);
      deps.observer?.onHandled?.({ delivery: name, environment, step: 'status', ms: performance.now() - started });
      return undefined;
    }
    // A step that trusts "traffic is not on this revision yet" (render the idle color, fail before the switch) is taken
    // only if the cached Service is the Service: right after a switch (this replica's, or a killed leader's request that
    // landed late) the watch may not have brought it yet, and acting on the old selector would re-render the live color
    // or end the stage with traffic on it.
    if (fresh && read.service?.metadata.resourceVersion !== facts.service?.metadata.resourceVersion) {
      log.debug({ step: step.kind }, 'the Service changed since the cache saw it; deciding again');
      return Date.now() + SERVICE_CATCH_UP_MS;
    }
  }

  switch (step.kind) {
    case 'status': {
      const written = await updateDelivery(client, delivery, step.change, now);
      if (!written) break;
      log.info({ why: step.why }, 'delivery status updated');
      deps.telemetry?.statusWritten(delivery, environment, written, facts);
      break;
    }
    case 'render':
      log.info({ color: step.color, replicas: step.deployment.spec?.replicas }, 'rendering the idle color');
      // Conditional on the color as decided from, or as just read when the cache has not brought it yet.
      await applyDeployment(client, step.deployment, (facts.deployments[step.color] ?? read?.deployments[step.color])?.metadata.resourceVersion);
      break;
    case 'wait':
      log.debug({ why: step.why }, 'waiting');
      recheck = step.recheckAtMs;
      break;
    case 'precheck':
      break;
    case 'approve':
      if (await consumeDeliveryAction(client, delivery, step.annotations)) log.info({}, 'promotion approved');
      break;
    case 'switch': {
      const switchStartMs = Date.now();
      if (facts.service) await switchService(client, serviceAsSeen(facts, claimant), step.color, step.annotations);
      else {
        const service = { app: target.deploymentName, namespace: target.namespace, name: target.serviceName, color: step.color, owner: claimant.owner, annotations: step.annotations };
        if (!(await createService(client, service))) {
          log.debug({}, 'the Service exists already (the cache has not brought it yet); deciding again');
          return Date.now() + SERVICE_CATCH_UP_MS;
        }
      }
      deps.telemetry?.switched(delivery, facts, { startMs: switchStartMs, endMs: Date.now() }, isRollbackDelivery(delivery, environment));
      log.info({ color: step.color, previousColor: live(facts) }, 'traffic switched');
      break;
    }
    case 'rollback': {
      const decidedAtMs = Date.now();
      // The switch back comes first: traffic leaves the bad color before anything else is written.
      await switchService(client, serviceAsSeen(facts, claimant), step.to, step.annotations);
      const switchedAtMs = Date.now();
      deps.observer?.onRollback?.({ delivery: name, environment, decidedAtMs, switchedAtMs });
      deps.telemetry?.rolledBack(delivery, facts, { startMs: decidedAtMs, endMs: switchedAtMs });
      log.warn({ color: step.to, failedColor: step.from, switchMs: switchedAtMs - decidedAtMs, why: step.message }, 'rolled back');
      await scheduleScaleDown(client, target.namespace, deploymentName(step.from), step.scaleDownAt, claimant.owner);
      const written = await updateDelivery(client, delivery, step.change, now);
      if (written) deps.telemetry?.statusWritten(delivery, environment, written, facts);
      break;
    }
    case 'end': {
      // Scale-down is scheduled before the stage ends, so a crash in between cannot forget it.
      if (step.verify) await annotateService(client, serviceAsSeen(facts, claimant), step.verify);
      if (step.color) await scheduleScaleDown(client, target.namespace, deploymentName(step.color), step.scaleDownAt, claimant.owner);
      const written = await updateDelivery(client, delivery, step.change, now);
      if (!written) break;
      deps.telemetry?.statusWritten(delivery, environment, written, facts);
      if (step.outcome === 'succeeded') log.info({ message: step.message }, 'environment verified');
      else log.warn({ reason: step.reason, message: step.message }, `deploy failed: ${shortSha(delivery.spec.checkoutSha)}`);
      break;
    }
  }
  deps.observer?.onHandled?.({ delivery: name, environment, step: step.kind, ms: performance.now() - started });
  return recheck;
}

/** How soon to decide again when the Service cache lags behind the Service. */
const SERVICE_CATCH_UP_MS = 100;

/** True for a step that writes in the target namespace, or starts the stage (checked first, so a refused target fails it before anything runs). */
function writesTarget(step: Step): boolean {
  return step.kind === 'render' || step.kind === 'switch' || step.kind === 'rollback' || step.kind === 'end' || (step.kind === 'status' && step.checkTarget === true);
}

/** The environment's Service as this step's decision saw it (its resourceVersion the write's precondition). */
function serviceAsSeen(facts: EnvironmentFacts, claimant: Claimant): ServiceRef {
  return { namespace: facts.target.namespace, name: facts.target.serviceName, owner: claimant.owner, resourceVersion: facts.service?.metadata.resourceVersion };
}

function live(facts: EnvironmentFacts): Color | undefined {
  return facts.service?.spec?.selector?.[COLOR_LABEL] as Color | undefined;
}
