import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { isKubeError } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import { deliveryLogger } from '@sluice/service';
import { createJob, deleteJob } from '../act/jobs.js';
import { readPushSecret } from '../act/secrets.js';
import { writeDeliveryStatus } from '../act/status.js';
import type { Snapshot, Step } from '../decide/step.js';
import { decideStep } from '../decide/step.js';
import { decidePushSecret, pushSecretToRead } from '../decide/push-secret.js';
import { currentStatus, finishJobStage } from '../decide/status.js';
import { buildBuildJob } from '../jobs/build-job.js';
import { jobName } from '../jobs/names.js';
import { buildTestJob } from '../jobs/test-job.js';
import type { RunnerTelemetry } from '../telemetry/observer.js';
import type { HandleResult } from '@sluice/kube';
import { jobNamespace, type RunnerSettings } from './settings.js';
import { storedStageText } from './stage-text.js';
import type { ClusterView } from './view.js';

/** What one reconcile needs; wired by the controller. */
export interface ReconcileContext {
  readonly client: KubeClient;
  readonly settings: RunnerSettings;
  readonly view: ClusterView;
  readonly logger: Logger;
  readonly now: () => number;
  /** Whether `delivery` may start its test Job now (a free slot, its project's turn). */
  readonly isAdmitted: (delivery: Delivery) => boolean;
  /** Why a Delivery that is not admitted waits (see `waitingReason`). */
  readonly waitingReason?: (delivery: Delivery) => string | undefined;
  /** Deliveries whose start is in flight; they hold a slot. */
  readonly starting: Set<string>;
  /** Deliveries whose Job object was refused by a quota, with the API server's message (in memory: re-learnt after a restart). */
  readonly createRefusals: Map<string, string>;
  /** Names of Jobs created by this process and not yet seen by the Job informer. */
  readonly jobsInFlight: Set<string>;
  /** Told about each transition the runner records (spans, metrics). */
  readonly telemetry?: RunnerTelemetry;
}

/** Steps taken per reconcile before handing the key back to the queue; each step is one small write. */
const MAX_STEPS = 6;

function snapshotOf(ctx: ReconcileContext, delivery: Delivery): Snapshot {
  const { jobs, pods } = ctx.view.jobsOf(delivery.metadata.name);
  const jobNames = Object.values(jobs).map((j) => j.metadata.name ?? '');
  const admitted = ctx.isAdmitted(delivery);
  const waiting = admitted ? undefined : ctx.waitingReason?.(delivery);
  return {
    delivery,
    application: ctx.view.application(delivery.spec.application),
    jobs,
    pods,
    events: ctx.view.eventsFor(jobNames),
    admitted,
    ...(!admitted && waiting !== undefined && { waiting }),
    jobsInFlight: (['test', 'build'] as const).filter((kind) => ctx.jobsInFlight.has(jobName(delivery.metadata.name, kind))),
    ...(ctx.createRefusals.has(delivery.metadata.name) && { createRefused: ctx.createRefusals.get(delivery.metadata.name) }),
    nowMs: ctx.now(),
    limits: { quotaWaitMs: ctx.settings.quotaWaitMs, podPendingGraceMs: ctx.settings.podPendingGraceMs },
  };
}

/** Deletes the Jobs of a Delivery that no longer exists (deleted while running). */
async function deleteOrphans(ctx: ReconcileContext, name: string): Promise<HandleResult> {
  const { jobs } = ctx.view.jobsOf(name);
  for (const job of Object.values(jobs)) {
    if (job.metadata.deletionTimestamp !== undefined || !job.metadata.name) continue;
    await deleteJob(ctx.client, job.metadata.namespace ?? ctx.settings.testNamespace, job.metadata.name);
    ctx.logger.info({ deliveryId: name, job: job.metadata.name }, 'deleted Job of a deleted Delivery');
  }
  return {};
}

/** Runs one decided step. `continue` means: decide again now; otherwise hand back to the queue. */
async function act(ctx: ReconcileContext, raw: KubeObject, delivery: Delivery, step: Step, log: Logger): Promise<'continue' | HandleResult> {
  switch (step.kind) {
    case 'wait':
      log.debug({ why: step.why }, 'waiting');
      return step.recheckAtMs === undefined ? {} : { recheckAtMs: step.recheckAtMs };
    case 'done':
      return {};
    case 'deleteJobs': {
      const { jobs } = ctx.view.jobsOf(delivery.metadata.name);
      const namespaceOf = (name: string) => Object.values(jobs).find((j) => j.metadata.name === name)?.metadata.namespace ?? ctx.settings.testNamespace;
      for (const name of step.names) {
        await deleteJob(ctx.client, namespaceOf(name), name);
        log.info({ job: name, why: step.why }, 'deleted Job');
      }
      return {};
    }
    case 'writeStatus': {
      const starting = step.why === 'start test';
      // The slot is taken before the first await, so two workers cannot both take the last one.
      if (starting) ctx.starting.add(delivery.metadata.name);
      try {
        ctx.view.remember(await writeDeliveryStatus(ctx.client, raw, step.status));
      } finally {
        if (starting) ctx.starting.delete(delivery.metadata.name);
      }
      log.info({ phase: step.status.phase, why: step.why }, 'status written');
      if (starting) ctx.telemetry?.testStarted(delivery, step.status);
      return 'continue';
    }
    case 'createJob': {
      const app = ctx.view.application(delivery.spec.application);
      if (app.kind !== 'found') return {};
      let job;
      if (step.job === 'test') job = buildTestJob(delivery, app.value, ctx.settings);
      else {
        // The push credential is checked before any build Job exists: a Secret scoped to another repository is never mounted.
        const toRead = pushSecretToRead(app.value);
        const secret = toRead === undefined ? undefined : await readPushSecret(ctx.client, ctx.settings.buildNamespace, toRead);
        const push = decidePushSecret(app.value, secret, { buildNamespace: ctx.settings.buildNamespace, sharedSecret: ctx.settings.build.registryCredentialsSecret });
        if (push.kind === 'refuse') {
          const outcome = { kind: 'failed', reason: push.reason, message: push.message, durations: {}, stopJob: false } as const;
          return act(ctx, raw, delivery, { kind: 'finishStage', job: 'build', outcome }, log);
        }
        job = buildBuildJob(delivery, app.value, ctx.settings, push.secretName);
      }
      let created: boolean;
      try {
        ({ created } = await createJob(ctx.client, job));
        ctx.createRefusals.delete(delivery.metadata.name);
        if (job.metadata?.name) ctx.jobsInFlight.add(job.metadata.name);
      } catch (err) {
        if (!isKubeError(err, 'QuotaExceeded')) throw err;
        // The quota covers Job objects too; wait for room like a refused pod does, then give up as QuotaExceeded.
        ctx.createRefusals.set(delivery.metadata.name, err.message);
        log.info({ job: job.metadata?.name, message: err.message }, 'Job refused by quota; waiting');
        return { recheckAtMs: ctx.now() + Math.min(5_000, Math.max(100, ctx.settings.quotaWaitMs)) };
      }
      log.info({ job: job.metadata?.name, created }, created ? 'created Job' : 'Job already exists');
      // The Job's own events bring the Delivery back.
      return {};
    }
    case 'finishStage': {
      // What came from the pod (log tail, termination messages) is stored redacted.
      const { outcome, logTail } = await storedStageText(ctx, delivery, step.job, step.outcome, log);
      const change = finishJobStage(currentStatus(delivery), step.job, outcome, logTail, new Date(ctx.now()));
      if (!change.ok) {
        log.warn({ refused: change.refused }, 'stage result not recorded');
        return {};
      }
      ctx.view.remember(await writeDeliveryStatus(ctx.client, raw, change.status));
      ctx.telemetry?.stageFinished(delivery, step.job, change.status, ctx.view.jobsOf(delivery.metadata.name).pods[step.job] ?? []);
      const fields = { stage: step.job, result: outcome.kind, ...(outcome.kind === 'failed' && { reason: outcome.reason }), phase: change.status.phase };
      log.info(fields, `${step.job} stage ${outcome.kind}`);
      if (outcome.kind === 'failed' && outcome.stopJob) {
        const name = ctx.view.jobsOf(delivery.metadata.name).jobs[step.job]?.metadata.name;
        if (name) await deleteJob(ctx.client, jobNamespace(ctx.settings, step.job), name);
      }
      return 'continue';
    }
  }
}

/**
 * Reconciles one Delivery: decide the next step from the view, take it,
 * decide again, until a step has to wait for the cluster. Every step is
 * idempotent and decided from what the cluster holds, so a crash between
 * any two of them loses nothing: the restarted runner decides the same
 * step again (and `createIfAbsent` finds the Job if it was made).
 */
export async function reconcileDelivery(ctx: ReconcileContext, name: string): Promise<HandleResult> {
  for (let i = 0; i < MAX_STEPS; i++) {
    const parsed = ctx.view.delivery(name);
    if (!parsed) return deleteOrphans(ctx, name);
    if (!parsed.ok) {
      ctx.logger.warn({ deliveryId: name, problems: parsed.problems }, 'Delivery does not match the schema; leaving it alone');
      return {};
    }
    const delivery = parsed.value;
    const raw = ctx.view.rawDelivery(name) as KubeObject;
    const log = deliveryLogger(ctx.logger, { deliveryId: name, namespace: delivery.metadata.namespace, sha: delivery.spec.checkoutSha });
    const step = decideStep(snapshotOf(ctx, delivery));
    try {
      const next = await act(ctx, raw, delivery, step, log);
      if (next !== 'continue') return next;
    } catch (err) {
      if (isKubeError(err, 'Conflict')) {
        // Decided from a stale copy: read again (the watch brings the fresh one) and decide anew.
        ctx.view.forget(name);
        log.debug('status conflict; deciding again from fresh facts');
        return { recheckAtMs: ctx.now() + 100 };
      }
      throw err;
    }
  }
  return { recheckAtMs: ctx.now() };
}
