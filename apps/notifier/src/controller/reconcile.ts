/**
 * One pass over one Delivery: decide (desired, plan), then act call by call,
 * recording each result in `status.posted` before the next call, so a
 * notifier killed at any point resumes with at most the call in flight in
 * doubt (and `verifyFirst` settles that doubt for final states).
 */
import { API_GROUP_VERSION, isTerminal, type Delivery, type PostedStatus } from '@sluice/delivery';
import type { GitlabClient } from '@sluice/gitlab';
import { isKubeError, KubeError, type HandleResult, type KubeClient } from '@sluice/kube';
import { deliveryLogger, type Logger } from '@sluice/service';
import { act, type Target } from '../act/post.js';
import { desiredFor, type DesiredOptions } from '../decide/desired.js';
import { planCalls, type Call } from '../decide/plan.js';
import type { NotifierTelemetry } from '../telemetry/gitlab.js';

/** What this process remembers about one Delivery between passes. */
export interface DeliveryMemory {
  /** Records this process wrote, newer than what a lagging informer may still show. */
  readonly written: Map<string, PostedStatus>;
  /** Keys whose GitLab state this process posted or read itself. */
  readonly verified: Set<string>;
  /** `key|state` calls GitLab refused; not repeated by this process. */
  readonly refused: Set<string>;
  /** Keys in `written` whose `status.posted` write failed; written first on the next pass. */
  readonly unflushed: Set<string>;
}

/** Creates an empty {@link DeliveryMemory}. */
export function newMemory(): DeliveryMemory {
  return { written: new Map(), verified: new Set(), refused: new Set(), unflushed: new Set() };
}

/** Dependencies of {@link reconcileDelivery}. */
export interface ReconcileDeps {
  readonly gitlab: GitlabClient;
  readonly kube: KubeClient;
  readonly decide: DesiredOptions;
  readonly logger: Logger;
  readonly now: () => Date;
  /**
   * When this process started watching. A Delivery created after it (by the
   * apiserver's whole-second clock) can only have been reported by this
   * process, so its final states need no read-back.
   */
  readonly startedAtMs: number;
  /** Told about every GitLab answer, for metrics and the benchmark. */
  readonly onOutcome?: (call: Call, outcome: 'posted' | 'already' | 'verified' | 'retry' | 'refused') => void;
  /** Puts the GitLab requests into the Delivery's trace. */
  readonly telemetry?: NotifierTelemetry;
  /** The leader fence, checked before every GitLab call as the fenced client checks it before every write. Default: always open. */
  readonly mayWrite?: () => boolean;
}

/** Result of one pass: what the lane should do, and whether the Delivery needs nothing more. */
export interface ReconcileResult {
  readonly lane: HandleResult;
  /** True when GitLab shows everything there is to show and the Delivery will not change any more. */
  readonly settled: boolean;
  /** Planned GitLab posts this pass did not make (a retry is pending). */
  readonly unsent?: number;
}

/** Merges the cluster's `posted` with what this process wrote since (the newer record per key wins). */
export function effectivePosted(delivery: Delivery, memory: DeliveryMemory): Record<string, PostedStatus> {
  const posted: Record<string, PostedStatus> = { ...(delivery.status?.posted ?? {}) };
  for (const [key, record] of memory.written) {
    const seen = posted[key];
    if (seen === undefined || seen.postedAt <= record.postedAt) posted[key] = record;
  }
  return posted;
}

function createdSince(delivery: Delivery, startedAtMs: number): boolean {
  const created = Date.parse(String(delivery.metadata.creationTimestamp ?? ''));
  return Number.isFinite(created) && created >= Math.ceil(startedAtMs / 1000) * 1000;
}

function clusterHasAll(delivery: Delivery, memory: DeliveryMemory): boolean {
  const posted = delivery.status?.posted ?? {};
  return [...memory.written].every(([key, record]) => posted[key]?.postedAt === record.postedAt);
}

/** Brings GitLab up to date with `delivery`; see the module comment. */
export async function reconcileDelivery(delivery: Delivery, memory: DeliveryMemory, deps: ReconcileDeps): Promise<ReconcileResult> {
  const { name, namespace } = delivery.metadata;
  // Made on first use: most passes log nothing, and a child logger is not free (pino copies and redacts its bindings).
  let logger: Logger | undefined;
  const log = (): Logger => (logger ??= deliveryLogger(deps.logger, { deliveryId: name, namespace, sha: delivery.spec.checkoutSha }));
  for (const key of [...memory.unflushed]) {
    const record = memory.written.get(key);
    if (record !== undefined && !(await recordPosted(deps.kube, delivery, key, record))) return { lane: {}, settled: true };
    memory.unflushed.delete(key);
  }
  const desired = desiredFor(delivery, deps.decide);
  const calls = planCalls(desired, effectivePosted(delivery, memory), {
    verified: (key) => memory.verified.has(key) || createdSince(delivery, deps.startedAtMs),
    refused: (key, state) => memory.refused.has(`${key}|${state}`),
  });
  const terminal = delivery.status !== undefined && isTerminal(delivery.status.phase);
  if (calls.length === 0) return { lane: {}, settled: terminal && clusterHasAll(delivery, memory) };

  const target: Target = {
    projectId: delivery.spec.project.id,
    sha: delivery.spec.checkoutSha,
    ref: delivery.spec.ref,
    tag: delivery.spec.refType === 'tag',
    since: delivery.metadata.creationTimestamp,
  };
  for (const [index, call] of calls.entries()) {
    if (deps.mayWrite && !deps.mayWrite()) throw new KubeError('Fenced', 'GitLab call refused: this replica does not hold the leader lease');
    const post = () => act(deps.gitlab, call, target, deps.now);
    const outcome = await (deps.telemetry ? deps.telemetry.forDelivery(delivery, post) : post());
    if (outcome.kind === 'retry') {
      deps.onOutcome?.(call, 'retry');
      log().warn({ key: call.key, httpStatus: outcome.httpStatus, retryAfterMs: outcome.retryAfterMs, reason: outcome.reason }, 'GitLab busy; will retry');
      return { lane: { retry: { reason: outcome.reason, afterMs: outcome.retryAfterMs } }, settled: false, unsent: calls.length - index };
    }
    if (outcome.kind === 'refused') {
      deps.onOutcome?.(call, 'refused');
      memory.refused.add(`${call.key}|${call.kind === 'status' ? call.status.state : call.kind === 'deployment' ? call.status : 'success'}`);
      log().error({ key: call.key, httpStatus: outcome.httpStatus, message: outcome.message }, 'GitLab refused the call; not repeating it');
      continue;
    }
    deps.onOutcome?.(call, outcome.how);
    memory.written.set(call.key, outcome.record);
    memory.verified.add(call.key);
    log().info({ key: call.key, state: outcome.record.state, how: outcome.how }, 'GitLab updated');
    memory.unflushed.add(call.key);
    if (!(await recordPosted(deps.kube, delivery, call.key, outcome.record))) return { lane: {}, settled: true };
    memory.unflushed.delete(call.key);
  }
  return { lane: {}, settled: false };
}

/**
 * Writes one `status.posted` entry with a merge patch on the status
 * subresource: it touches nothing but that key, so it never races the
 * runner's or the deployer's stage updates. False when the Delivery is gone.
 */
async function recordPosted(kube: KubeClient, delivery: Delivery, key: string, record: PostedStatus): Promise<boolean> {
  const ref = { apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: delivery.metadata.namespace, name: delivery.metadata.name };
  try {
    await kube.mergePatch(ref, { status: { posted: { [key]: record } } }, { subresource: 'status' });
    return true;
  } catch (error) {
    if (isKubeError(error, 'NotFound')) return false;
    throw error;
  }
}
