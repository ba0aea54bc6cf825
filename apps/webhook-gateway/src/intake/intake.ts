import { ANNOTATIONS } from '@sluice/delivery';
import type { ApplicationLookup } from '../applications.js';
import type { DeliveryIndex } from '../deliveries.js';
import type { RecordedTrace } from '../trace.js';
import type { IntakeOutcome } from './act.js';
import { toIntakeEvent } from './event.js';
import { planIntake, type IntakePlan } from './plan.js';

/** An authenticated webhook, parsed as JSON. */
export interface WebhookInput {
  /** `X-Gitlab-Event`. */
  readonly event: string | undefined;
  readonly json: unknown;
  /** `Idempotency-Key`, else `webhook-id`. */
  readonly idempotencyKey: string | undefined;
  readonly requestId: string;
  readonly trace: RecordedTrace;
}

/** Options of {@link createIntake}. */
export interface IntakeOptions {
  readonly applications: ApplicationLookup;
  readonly deliveries: DeliveryIndex;
  readonly namespace: string;
  /** Applies a plan; `applyPlan` bound to a KubeClient in production. */
  readonly apply: (plan: IntakePlan) => Promise<IntakeOutcome>;
  readonly now?: () => Date;
}

/** Turns an authenticated webhook into an outcome: classify, route to its Application, plan, apply. */
export type Intake = (input: WebhookInput) => Promise<IntakeOutcome>;

/** Wires the intake steps; each step is its own small function (see `event.ts`, `plan.ts`, `act.ts`). */
export function createIntake(options: IntakeOptions): Intake {
  const now = options.now ?? (() => new Date());
  return async (input) => {
    const event = toIntakeEvent(input.event, input.json);
    if (event.kind === 'ignored') return { status: 'ignored', reason: event.reason, detail: event.detail };
    if (event.kind === 'invalid') return { status: 'rejected', reason: 'malformed', detail: event.detail };
    const plan = planIntake({
      event,
      application: event.kind === 'deliver' ? options.applications.find(event.project) : undefined,
      deliveries: options.deliveries,
      namespace: options.namespace,
      idempotencyKey: input.idempotencyKey,
      receivedAt: now(),
      annotations: { ...input.trace.annotations, [ANNOTATIONS.requestId]: input.requestId },
    });
    return options.apply(plan);
  };
}
