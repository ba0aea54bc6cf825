import { createHmac } from 'node:crypto';
import { decodeSigningToken } from './signing-token.js';

/** Input of {@link signWebhookPayload}. */
export interface SignWebhookInput {
  /** `whsec_<base64>` signing token. */
  readonly signingToken: string;
  /** Value of the `webhook-id` header (GitLab uses the Idempotency-Key). */
  readonly webhookId: string;
  /** Value of the `webhook-timestamp` header: Unix time in seconds. */
  readonly timestamp: number | string;
  /** The exact request body bytes (or string, encoded as UTF-8). */
  readonly body: Uint8Array | string;
}

/**
 * Computes the `webhook-signature` header value GitLab sends when a signing
 * token is configured: `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`.
 * For tests and the demo, which play GitLab's part.
 */
export function signWebhookPayload(input: SignWebhookInput): string {
  return `v1,${hmacSignature(decodeSigningToken(input.signingToken), input.webhookId, String(input.timestamp), input.body).toString('base64')}`;
}

/** The raw HMAC over Standard Webhooks' signed content, `id.timestamp.body`, without copying the body. */
export function hmacSignature(key: Buffer, webhookId: string, timestamp: string, body: Uint8Array | string): Buffer {
  return createHmac('sha256', key).update(`${webhookId}.${timestamp}.`).update(body).digest();
}
