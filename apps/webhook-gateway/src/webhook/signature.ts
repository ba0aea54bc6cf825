import { createMiddleware } from 'hono/factory';
import { reject, type AnswerVariables } from './answer.js';
import { signedMessageId, type Authenticator } from './auth.js';
import type { CappedBodyVariables } from './capped-body.js';
import type { ReplayGuard } from './replay.js';

/** Options of {@link webhookSignature}. */
export interface WebhookSignatureOptions {
  /** Its `checkSignature` is undefined when no signing token is configured: then this step lets everything through. */
  readonly authenticator: Pick<Authenticator, 'checkSignature'>;
  /** Refuses a signed message seen before. */
  readonly replay?: ReplayGuard | undefined;
  /** Accepted `webhook-timestamp` skew; signed ids are remembered this long past their timestamp. */
  readonly toleranceSeconds: number;
}

/**
 * When signing tokens are configured, the Standard Webhooks signature over
 * the raw body (`c.var.body`, from `cappedBody`) and its timestamp window →
 * 401 `bad_signature` / `stale_timestamp`; then the `webhook-id` must not
 * have been seen within the window → 409 `replay`. The id stays claimed
 * unless a later step answers `error` (nothing was recorded): then it is
 * released, so GitLab may send the same message again.
 */
export function webhookSignature(options: WebhookSignatureOptions) {
  const { authenticator, replay, toleranceSeconds } = options;
  const check = authenticator.checkSignature;
  return createMiddleware<{ Variables: AnswerVariables & CappedBodyVariables }>(async (c, next) => {
    if (check === undefined) return next();
    const headers = c.req.raw.headers;
    const signature = check(headers, c.get('body'));
    if (!signature.ok) return reject(c, signature.reason, signature.detail);
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
