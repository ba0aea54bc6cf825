import { API_GROUP_VERSION, type EarlyEnd } from '@sluice/delivery';
import { isKubeError, type KubeClient, type KubeObject, type ObjectRef } from '@sluice/kube';
import type { Logger } from '@sluice/service';
import type { IgnoreReason } from './event.js';
import { endedStatus, type IntakePlan } from './plan.js';

/** What a webhook ended as, after its plan was applied. */
export type IntakeOutcome =
  | {
      readonly status: 'accepted';
      readonly delivery: string;
      /** Older Deliveries of the line it ended now. */
      readonly superseded: readonly string[];
      /** Older Deliveries in the middle of an environment: they finish it (bake, rollback), then end Superseded. */
      readonly supersedeRequested: readonly string[];
    }
  | { readonly status: 'duplicate'; readonly delivery: string }
  | {
      readonly status: 'ignored';
      readonly reason: IgnoreReason;
      readonly detail: string;
      /** A deleted ref's Deliveries it ended now. */
      readonly canceled?: readonly string[];
      /** A deleted ref's Deliveries in the middle of an environment: they finish it, then end Canceled. */
      readonly cancelRequested?: readonly string[];
    }
  /** `foreign_secret` / `bad_signature`: the secret that authenticated it is not the project's own (decided before any plan). */
  | { readonly status: 'rejected'; readonly reason: 'malformed' | 'foreign_secret' | 'bad_signature'; readonly detail: string };

/** What {@link applyPlan} needs. */
export interface ActDeps {
  readonly client: KubeClient;
  readonly logger: Logger;
  /** Clock for stage finish times. Default `() => new Date()`. */
  readonly now?: () => Date;
  /** Told about each Delivery this webhook ended (Superseded or Canceled) now, as written: telemetry counts it there. */
  readonly onEnded?: (delivery: KubeObject) => void;
}

/**
 * Applies a plan through the Kubernetes API. The Delivery is created before
 * anything else, so a 202 always means it exists; an `AlreadyExists` (another
 * request or replica won the race for the deterministic name) is a
 * duplicate and then nothing else is written. The gateway writes no status
 * on a new Delivery: status belongs to the controllers, which read a
 * missing one as Pending (and the trace context is in its annotations).
 * Older Deliveries end at a safe point (`endEarly`): now, unless one is in
 * the middle of an environment, which then only gets the request and ends
 * after it. Superseding is best effort once the new one exists: a failure
 * there is logged, not returned, because the webhook was durably accepted.
 * Canceling is the whole point of a deletion, so its failures propagate (as
 * `KubeError`) and the webhook fails.
 */
export async function applyPlan(plan: IntakePlan, deps: ActDeps): Promise<IntakeOutcome> {
  const now = deps.now ?? (() => new Date());
  switch (plan.action) {
    case 'ignore':
      return { status: 'ignored', reason: plan.reason, detail: plan.detail };
    case 'reject':
      return { status: 'rejected', reason: plan.reason, detail: plan.detail };
    case 'duplicate':
      return { status: 'duplicate', delivery: plan.delivery };
    case 'cancel': {
      const message = `${plan.detail}; canceled`;
      const canceled = await Promise.all(
        plan.cancel.map((name) => endEarly(deps, deliveryRef(plan.namespace, name), { phase: 'Canceled', message, now: now() })),
      );
      return {
        status: 'ignored',
        reason: 'ref_deleted',
        detail: plan.detail,
        canceled: plan.cancel.filter((_, i) => canceled[i] === 'ended'),
        cancelRequested: plan.cancel.filter((_, i) => canceled[i] === 'deferred'),
      };
    }
    case 'create': {
      const result = await deps.client.createIfAbsent<KubeObject>(plan.delivery);
      const name = plan.delivery.metadata.name;
      if (!result.created) return { status: 'duplicate', delivery: name };
      const { superseded, requested } = await supersedeOlder(deps, plan.delivery.metadata.namespace, name, plan.supersede, now);
      return { status: 'accepted', delivery: name, superseded, supersedeRequested: requested };
    }
  }
}

/** Supersedes the older Deliveries of the line by `name`; returns those it ended now and those that end after their environment. */
async function supersedeOlder(
  deps: ActDeps,
  namespace: string,
  name: string,
  supersede: readonly string[],
  now: () => Date,
): Promise<{ superseded: string[]; requested: string[] }> {
  const ended = await Promise.allSettled(
    supersede.map((old) =>
      endEarly(deps, deliveryRef(namespace, old), { phase: 'Superseded', message: `superseded by ${name}`, supersededBy: name, now: now() }),
    ),
  );
  const superseded: string[] = [];
  const requested: string[] = [];
  ended.forEach((outcome, i) => {
    const old = supersede[i] as string;
    if (outcome.status === 'fulfilled' && outcome.value === 'ended') superseded.push(old);
    if (outcome.status === 'fulfilled' && outcome.value === 'deferred') requested.push(old);
    if (outcome.status === 'rejected') deps.logger.warn({ err: outcome.reason, delivery: old, supersededBy: name }, 'could not mark a Delivery Superseded');
  });
  return { superseded, requested };
}

/**
 * Ends one Delivery early through the status subresource, retrying on
 * conflicts: `ended` now, `deferred` to its next safe point, `undefined`
 * when it had already ended (or had that end requested) or is gone.
 */
async function endEarly(deps: Pick<ActDeps, 'client' | 'onEnded'>, ref: ObjectRef, end: EarlyEnd): Promise<'ended' | 'deferred' | undefined> {
  try {
    // The decision of the attempt that was written: a conflict re-decides from the fresh status.
    let outcome: 'ended' | 'deferred' | undefined;
    const result = await deps.client.updateStatus(ref, (current) => {
      const next = endedStatus(current['status'], end);
      outcome = next?.outcome;
      return next?.status;
    });
    if (!result.changed) return undefined;
    if (outcome === 'ended') deps.onEnded?.(result.object);
    return outcome;
  } catch (error) {
    if (isKubeError(error, 'NotFound')) return undefined;
    throw error;
  }
}

function deliveryRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name };
}
