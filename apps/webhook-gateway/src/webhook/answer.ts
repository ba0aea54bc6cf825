import type { WebhookRejectionReason } from '@sluice/delivery';
import type { Context } from 'hono';

/** HTTP status of each rejection. Authentication failures are 401 so GitLab shows the hook as misconfigured. */
export const REJECTION_STATUS: Readonly<Record<WebhookRejectionReason, 400 | 401 | 409 | 413 | 415>> = {
  bad_token: 401,
  bad_signature: 401,
  foreign_secret: 401,
  stale_timestamp: 401,
  replay: 409,
  unknown_event: 400,
  malformed: 400,
  too_large: 413,
  unsupported_media_type: 415,
};

// Reasons whose detail would only help someone probe the authentication.
const QUIET = new Set<WebhookRejectionReason>(['bad_token', 'bad_signature', 'stale_timestamp', 'replay']);

/**
 * How a webhook was answered, set by the step that answered it; `observeWebhook`
 * (observe.ts) records it once: metrics, the rejection log, span status.
 */
export type WebhookAnswer =
  | { readonly outcome: 'rejected'; readonly reason: WebhookRejectionReason; readonly detail: string }
  | { readonly outcome: 'accepted' | 'duplicate'; readonly delivery: string }
  | { readonly outcome: 'ignored'; readonly reason: string }
  /** `errorType`: `kube.<code>` or `InternalError`. */
  | { readonly outcome: 'error'; readonly errorType: string };

/** Context variable of every webhook step: what the step that answered said (absent until one did). */
export interface AnswerVariables {
  webhookAnswer: WebhookAnswer | undefined;
}

/** Hono env of a step that may answer. */
export interface AnswerEnv {
  Variables: AnswerVariables;
}

/**
 * Refuses the webhook: `{status: 'rejected', reason, detail?}` with the
 * reason's status (the detail left out for authentication failures), and
 * the reason left in the context for `observeWebhook` to record.
 */
export function reject<E extends AnswerEnv>(c: Context<E>, reason: WebhookRejectionReason, detail: string): Response {
  c.set('webhookAnswer', { outcome: 'rejected', reason, detail });
  return c.json(rejectionBody(reason, detail), REJECTION_STATUS[reason]);
}

/** The body of a rejection: `{status: 'rejected', reason, detail?}`, the detail left out for authentication failures. */
export function rejectionBody(reason: WebhookRejectionReason, detail: string): { status: 'rejected'; reason: WebhookRejectionReason; detail?: string } {
  return { status: 'rejected', reason, ...(!QUIET.has(reason) && { detail }) };
}
