import type { Delivery } from '@sluice/delivery';
import { MAX_LOG_TAIL_LENGTH } from '@sluice/delivery';
import type { Logger } from '@sluice/service';
import { readLogTail } from '../act/logs.js';
import { readSecretValues } from '../act/secret-values.js';
import type { JobOutcome } from '../decide/job-outcome.js';
import { redact, redactOutcome, secretNeedles, secretsOfPod, type PodSecretRefs } from '../decide/redact.js';
import type { JobKind } from '../jobs/names.js';
import type { ReconcileContext } from './reconcile.js';
import { jobNamespace } from './settings.js';

type Finished = Exclude<JobOutcome, { kind: 'running' }>;

/** What is stored in place of a log tail whose Job's Secrets could not be read to redact it. */
export const WITHHELD_LOG = '[log withheld: a Secret the Job mounts could not be read to redact it]';

/** The pod spec the Job of `kind` ran with: the Job's template, or (the Job gone) one of its pods. */
function podSpecOf(ctx: ReconcileContext, delivery: Delivery, kind: JobKind): PodSecretRefs | undefined {
  const { jobs, pods } = ctx.view.jobsOf(delivery.metadata.name);
  const job = jobs[kind] as { spec?: { template?: { spec?: PodSecretRefs } } } | undefined;
  const pod = pods[kind]?.[0] as { spec?: PodSecretRefs } | undefined;
  return job?.spec?.template?.spec ?? pod?.spec;
}

/**
 * The text a finished stage stores, redacted: the outcome's message and JUnit
 * failure names (from the pod's termination messages) and the log tail,
 * with the values of every Secret the Job mounts (read from the Job's pod
 * spec) and credential shapes replaced by `[redacted]`. A Secret that cannot
 * be read withholds the log tail rather than store it unredacted.
 */
export async function storedStageText(ctx: ReconcileContext, delivery: Delivery, kind: JobKind, outcome: Finished, log: Logger): Promise<{ outcome: Finished; logTail?: string }> {
  const namespace = jobNamespace(ctx.settings, kind);
  const secrets = await readSecretValues(ctx.client, namespace, secretsOfPod(podSpecOf(ctx, delivery, kind)));
  if (!secrets.ok) log.warn({ secret: secrets.secret, error: secrets.error }, 'cannot read a Secret the Job mounts; its log tail is withheld');
  const needles = secrets.ok ? secretNeedles(secrets.values) : [];
  const raw = outcome.logFrom
    ? await readLogTail(ctx.client, { namespace, pod: outcome.logFrom.pod, container: outcome.logFrom.container, tailLines: ctx.settings.logTailLines, limitBytes: MAX_LOG_TAIL_LENGTH * 4 })
    : undefined;
  const logTail = raw === undefined ? undefined : secrets.ok ? redact(raw, needles) : WITHHELD_LOG;
  return { outcome: redactOutcome(outcome, needles), ...(logTail !== undefined && { logTail }) };
}
