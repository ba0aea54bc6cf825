import { createMiddleware } from 'hono/factory';
import { reject, type AnswerVariables } from './answer.js';
import { NO_OWNERS, signedMessageId, type Authenticator, type CredentialVariables } from './auth.js';
import type { CappedBodyVariables } from './capped-body.js';
import type { ReplayGuard } from './replay.js';

/** Options of {@link webhookSignature}. */
export interface WebhookSignatureOptions {
  /** Its `checkSignature` lets an unsigned request through unless global signing keys are configured. */
  readonly authenticator: Pick<Authenticator, 'checkSignature'>;
  /** Refuses a signed message seen before. */
  readonly replay?: ReplayGuard | undefined;
  /** Accepted `webhook-timestamp` skew; signed ids are remembered this long past their timestamp. */
  readonly toleranceSeconds: number;
}

/**
 * The Standard Webhooks signature (global or per-Application signing keys) over
 * the raw body (`c.var.body`, from `cappedBody`) and its timestamp window →
 * 401 `bad_signature` / `stale_timestamp` — required when global signing keys
 * are configured, else checked when the request is signed by a key held
 * here —; whose key signed it is added to `c.var.credentials`. Then the
 * `webhook-id` of a verified signature must not
 * have been seen within the window → 409 `replay`. The id stays claimed
 * unless a later step answers `error` (nothing was recorded): then it is
 * released, so GitLab may send the same message again.
 */
export function webhookSignature(options: WebhookSignatureOptions) {
  const { authenticator, replay, toleranceSeconds } = options;
  return createMiddleware<{ Variables: AnswerVariables & CappedBodyVariables & CredentialVariables }>(async (c, next) => {
    const headers = c.req.raw.headers;
    const signature = authenticator.checkSignature(headers, c.get('body'));
    if (!signature.ok) return reject(c, signature.reason, signature.detail);
    if (signature.owners === undefined) return next();
    c.set('credentials', { token: c.get('credentials')?.token ?? NO_OWNERS, signature: signature.owners });
    const message = signedMessageId(headers);
    if (message === undefined || replay === undefined) return next();
    if (!replay.claim(message.id, (message.timestampSeconds + toleranceSeconds) * 1000)) {
      return reject(c, 'replay', 'this webhook-id was already received');
    }
    await next();
    // Nothing was acknowledged: let GitLab (or an operator) send it again.
    if (c.error !== undefined || c.get('webhookAnswer')?.outcome === 'error') replay.release(message.id);
  });
}
