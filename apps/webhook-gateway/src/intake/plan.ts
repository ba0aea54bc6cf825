import {
  API_GROUP_VERSION,
  DeliveryStatusSchema,
  IDEMPOTENCY_LABEL,
  deliveryLabels,
  deliveryName,
  endEarly,
  environmentsFor,
  matchRule,
  parseDeliverySpec,
  toLabelValue,
  type Application,
  type DeliverySpec,
  type EarlyEnd,
  type EarlyEndResult,
  type EnvironmentName,
} from '@sluice/delivery';
import type { DeliveryIndex } from '../deliveries.js';
import type { DeliverEvent, IgnoreReason, RefDeletedEvent } from './event.js';

/** A Delivery as the gateway creates it: spec and metadata only; status belongs to the controllers. */
export interface NewDelivery {
  readonly apiVersion: typeof API_GROUP_VERSION;
  readonly kind: 'Delivery';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
  };
  readonly spec: DeliverySpec;
  readonly [key: string]: unknown;
}

/** What to do with one webhook, decided from the event and what the cluster holds. */
export type IntakePlan =
  | { readonly action: 'ignore'; readonly reason: IgnoreReason; readonly detail: string }
  | { readonly action: 'duplicate'; readonly delivery: string; readonly detail: string }
  | {
      readonly action: 'create';
      readonly delivery: NewDelivery;
      /** Where the rules deliver it, staging before production; also recorded as `spec.environments`. */
      readonly environments: readonly EnvironmentName[];
      /** Older unfinished Deliveries of the same branch, tag or merge request, to mark Superseded once this one exists. */
      readonly supersede: readonly string[];
    }
  | { readonly action: 'cancel'; readonly namespace: string; readonly cancel: readonly string[]; readonly detail: string }
  | { readonly action: 'reject'; readonly reason: 'malformed'; readonly detail: string };

/** Everything {@link planIntake} decides from. */
export interface PlanInput {
  readonly event: DeliverEvent | RefDeletedEvent;
  /** The Application found for the event's project, if any. */
  readonly application: Application | undefined;
  readonly deliveries: DeliveryIndex;
  /** Namespace the Delivery is created in. */
  readonly namespace: string;
  /** The webhook's `Idempotency-Key` (or `webhook-id`), as sent; `undefined` when it sent neither. */
  readonly idempotencyKey: string | undefined;
  readonly receivedAt: Date;
  /** Annotations to put on the Delivery (trace context, request id). */
  readonly annotations: Readonly<Record<string, string>>;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * Decides what a webhook does. Pure: the caller applies the plan
 * (`applyPlan`) and nothing here touches the cluster.
 *
 * - A branch or tag deletion cancels that ref's unfinished Deliveries.
 * - A delivery already made for the same `Idempotency-Key`, or for the same
 *   project, ref and SHA (the deterministic name), is a duplicate.
 * - No Application, or a branch/tag its rules do not list → ignored.
 *   Merge requests are always tested; a `merge_request` rule adds environments.
 * - Otherwise a new Delivery, superseding the unfinished ones of its line
 *   received no later than this webhook.
 */
export function planIntake(input: PlanInput): IntakePlan {
  const { event, deliveries } = input;
  if (event.kind === 'ref_deleted') return planCancel(event, deliveries, input.namespace);

  const key = input.idempotencyKey;
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    return { action: 'reject', reason: 'malformed', detail: 'Idempotency-Key must be 1-256 printable ASCII characters without spaces' };
  }
  const earlier = key === undefined ? undefined : deliveries.findByIdempotencyKey(key);
  if (earlier !== undefined) {
    return { action: 'duplicate', delivery: earlier.name, detail: 'a Delivery exists for this Idempotency-Key' };
  }

  const app = input.application;
  if (app === undefined) {
    return { action: 'ignore', reason: 'no_application', detail: `no Application for GitLab project ${event.project.id} (${event.project.path})` };
  }
  if (event.refType !== 'merge_request' && matchRule(app.spec, event) === undefined) {
    return { action: 'ignore', reason: 'no_matching_rule', detail: `Application ${app.metadata.name} does not deliver ${event.refType} ${event.ref}` };
  }

  const name = deliveryName({ project: event.project.id, ref: event.nameRef, sha: event.checkoutSha });
  if (deliveries.get(name) !== undefined) {
    return { action: 'duplicate', delivery: name, detail: 'a Delivery exists for this project, ref and commit' };
  }

  const environments = environmentsFor(app.spec, event);
  const spec = parseDeliverySpec({
    application: app.metadata.name,
    project: event.project,
    // Always the Application's own: a payload never chooses where code is cloned from (a fork MR's head is fetched from the target).
    repositoryUrl: app.spec.repositoryUrl,
    ref: event.ref,
    refType: event.refType,
    before: event.before,
    after: event.after,
    checkoutSha: event.checkoutSha,
    pusher: event.pusher,
    // Without a key from GitLab (before 17.4) the name is the identity of the push.
    idempotencyKey: key ?? `derived.${name}`,
    receivedAt: input.receivedAt.toISOString(),
    ...(event.mergeRequest && { mergeRequest: event.mergeRequest }),
    ...(event.projectUrl !== undefined && { projectUrl: event.projectUrl }),
    ...(event.commit && { commit: event.commit }),
    // Decided once, here; every reader goes through plannedEnvironments.
    environments,
  });
  if (!spec.ok) return { action: 'reject', reason: 'malformed', detail: spec.error.problems.slice(0, 5).join('; ') };

  const receivedAt = input.receivedAt.getTime();
  const supersede = deliveries
    .unfinished({ projectId: event.project.id, refType: event.refType, ref: event.ref, ...(event.mergeRequest && { mergeRequestIid: event.mergeRequest.iid }) })
    // A Delivery received after this webhook (by another replica) is the newer one; leave it.
    .filter((d) => d.name !== name && !(d.receivedAt > receivedAt))
    .map((d) => d.name)
    .sort();

  return {
    action: 'create',
    delivery: {
      apiVersion: API_GROUP_VERSION,
      kind: 'Delivery',
      metadata: {
        name,
        namespace: input.namespace,
        labels: {
          ...deliveryLabels({ application: app.metadata.name, delivery: name, sha: event.checkoutSha, project: event.project.id, ref: event.ref }),
          [IDEMPOTENCY_LABEL]: toLabelValue(spec.value.idempotencyKey),
        },
        annotations: input.annotations,
      },
      spec: spec.value,
    },
    environments,
    supersede,
  };
}

function planCancel(event: RefDeletedEvent, deliveries: DeliveryIndex, namespace: string): IntakePlan {
  const cancel = deliveries
    .unfinished({ projectId: event.project.id, refType: event.refType, ref: event.ref })
    .map((d) => d.name)
    .sort();
  if (cancel.length === 0) return { action: 'ignore', reason: 'ref_deleted', detail: `${event.refType} ${event.ref} was deleted; nothing was running` };
  return { action: 'cancel', namespace, cancel, detail: `${event.refType} ${event.ref} was deleted` };
}

/**
 * The status a Delivery gets when it ends early (Superseded or Canceled, see
 * `endEarly`: at once, or, in the middle of an environment, at its next safe
 * point), or `undefined` when there is nothing to write: it already ended
 * (or has that end requested), or its status cannot be read. Pure, so it
 * can be re-applied after a write conflict.
 */
export function endedStatus(current: unknown, end: EarlyEnd): EarlyEndResult | undefined {
  const parsed = DeliveryStatusSchema.safeParse(current ?? {});
  return parsed.success ? endEarly(parsed.data, end) : undefined;
}
