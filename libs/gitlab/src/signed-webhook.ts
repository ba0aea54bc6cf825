/**
 * What GitLab sends with a webhook delivery, signed, for tests and tools
 * that play GitLab against the gateway (`@sluice/gitlab/testing`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { GITLAB_HEADERS } from './webhook/headers.js';
import { signWebhookPayload } from './webhook/sign.js';

/** The two secrets a GitLab webhook is configured with. */
export interface WebhookSecrets {
  /** The "Secret token", sent as `X-Gitlab-Token`. */
  readonly secretToken: string;
  /** The signing token (`whsec_<base64 of 32 bytes>`), GitLab's Standard Webhooks key. */
  readonly signingToken: string;
}

/** Fresh secrets, as a webhook is configured with once. */
export function newWebhookSecrets(): WebhookSecrets {
  return { secretToken: randomBytes(24).toString('base64url'), signingToken: `whsec_${randomBytes(32).toString('base64')}` };
}

/** What one delivery of a webhook is, apart from its body. */
export interface SignOptions {
  readonly event: 'Push Hook' | 'Tag Push Hook' | 'Merge Request Hook';
  /** Base URL of the sending GitLab (`X-Gitlab-Instance`). */
  readonly instance: string;
  /** `Idempotency-Key` (and `webhook-id`, as GitLab uses the same value). Default: a new UUID. */
  readonly id?: string;
  /** Sending time. Default: now. */
  readonly now?: Date;
}

/**
 * The headers GitLab sends with a webhook delivery, signed: `X-Gitlab-Token`,
 * `X-Gitlab-Event`, the delivery UUIDs, `Idempotency-Key`, and the Standard
 * Webhooks trio — `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed by
 * the base64-decoded part of the `whsec_` token — over exactly `body`.
 */
export function signedWebhookHeaders(body: string, secrets: WebhookSecrets, options: SignOptions): Record<string, string> {
  const id = options.id ?? randomUUID();
  const timestamp = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'GitLab/18.2.0',
    [GITLAB_HEADERS.event]: options.event,
    [GITLAB_HEADERS.token]: secrets.secretToken,
    [GITLAB_HEADERS.instance]: options.instance,
    [GITLAB_HEADERS.webhookUuid]: randomUUID(),
    [GITLAB_HEADERS.eventUuid]: randomUUID(),
    [GITLAB_HEADERS.idempotencyKey]: id,
    [GITLAB_HEADERS.webhookId]: id,
    [GITLAB_HEADERS.webhookTimestamp]: String(timestamp),
    [GITLAB_HEADERS.webhookSignature]: signWebhookPayload({ signingToken: secrets.signingToken, webhookId: id, timestamp, body }),
  };
}
