import { ANNOTATIONS, lineKey } from '@sluice/delivery';
import type { ApplicationLookup } from '../applications.js';
import type { DeliveryIndex } from '../deliveries.js';
import type { RecordedTrace } from '../trace.js';
import type { Credentials } from '../webhook/auth.js';
import { DEFAULT_WEBHOOK_SECRETS_NAMESPACE, type WebhookSecretSource } from '../webhook-secrets.js';
import type { IntakeOutcome } from './act.js';
import { toIntakeEvent, type DeliverEvent, type RefDeletedEvent } from './event.js';
import { Lanes } from './lanes.js';
import { checkOwnership } from './ownership.js';
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
  /** Whose secrets authenticated it (token, signature). */
  readonly credentials: Credentials;
}

/** Options of {@link createIntake}. */
export interface IntakeOptions {
  readonly applications: ApplicationLookup;
  readonly deliveries: DeliveryIndex;
  readonly namespace: string;
  /** Per-Application webhook Secrets (`spec.webhook.secretName`). Default: none exist. */
  readonly webhookSecrets?: Pick<WebhookSecretSource, 'get'>;
  /** Their namespace, for messages. Default `sluice-webhooks`. */
  readonly webhookSecretsNamespace?: string;
  /** Whether global signing keys are configured (a project without its own Secret must then be signed by one). Default false. */
  readonly globalSigning?: boolean;
  /** Applies a plan; `applyPlan` bound to a KubeClient in production. */
  readonly apply: (plan: IntakePlan) => Promise<IntakeOutcome>;
  /** Told of each Delivery this intake created, before the next webhook of its line is planned: the index must hold it by then. */
  readonly onCreated?: (delivery: Extract<IntakePlan, { action: 'create' }>['delivery']) => void;
  readonly now?: () => Date;
}

/** Turns an authenticated webhook into an outcome: classify, route to its Application, check its secret is that project's, plan, apply. */
export type Intake = (input: WebhookInput) => Promise<IntakeOutcome>;

/**
 * Wires the intake steps; each step is its own small function (see
 * `event.ts`, `plan.ts`, `act.ts`). Webhooks of one line (project, ref,
 * merge request) are planned and applied one at a time, each seeing the
 * Delivery the previous one created: two pushes of a branch a few
 * milliseconds apart supersede in order instead of both going on. (Across
 * gateway replicas the deployer makes the same check before deploying.)
 */
export function createIntake(options: IntakeOptions): Intake {
  const now = options.now ?? (() => new Date());
  const lanes = new Lanes();
  return async (input) => {
    const event = toIntakeEvent(input.event, input.json);
    if (event.kind === 'ignored') return { status: 'ignored', reason: event.reason, detail: event.detail };
    if (event.kind === 'invalid') return { status: 'rejected', reason: 'malformed', detail: event.detail };
    // By project id only; several claims trust none of them.
    const match = options.applications.find(event.project);
    if (match.kind === 'ambiguous') {
      return { status: 'ignored', reason: 'ambiguous_application', detail: `GitLab project ${event.project.id} is claimed by several Applications (${match.names.join(', ')}); none gets its webhooks until one remains` };
    }
    const application = match.kind === 'one' ? match.application : undefined;
    // A push for no Application is ignored below whatever authenticated it; anything that acts must carry this project's secret.
    if (application !== undefined || event.kind === 'ref_deleted') {
      const verdict = checkOwnership({
        application,
        credentials: input.credentials,
        globalSigning: options.globalSigning ?? false,
        secret: (name) => options.webhookSecrets?.get(name),
        secretsNamespace: options.webhookSecretsNamespace ?? DEFAULT_WEBHOOK_SECRETS_NAMESPACE,
      });
      if (!verdict.ok) return { status: 'rejected', reason: verdict.reason, detail: verdict.detail };
    }
    return lanes.run(laneOf(event), async () => {
      const plan = planIntake({
        event,
        application: event.kind === 'deliver' ? application : undefined,
        deliveries: options.deliveries,
        namespace: options.namespace,
        idempotencyKey: input.idempotencyKey,
        receivedAt: now(),
        annotations: { ...input.trace.annotations, [ANNOTATIONS.requestId]: input.requestId },
      });
      const outcome = await options.apply(plan);
      if (plan.action === 'create' && outcome.status === 'accepted') options.onCreated?.(plan.delivery);
      return outcome;
    });
  };
}

/** The line a webhook's work belongs to. */
function laneOf(event: DeliverEvent | RefDeletedEvent): string {
  const iid = event.kind === 'deliver' ? event.mergeRequest?.iid : undefined;
  return lineKey({ projectId: event.project.id, refType: event.refType, ref: event.ref, ...(iid !== undefined && { mergeRequestIid: iid }) });
}
