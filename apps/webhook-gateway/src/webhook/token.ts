import { createMiddleware } from 'hono/factory';
import { reject, type AnswerVariables } from './answer.js';
import type { Authenticator, CredentialVariables } from './auth.js';

/** Options of {@link gitlabToken}. */
export interface GitlabTokenOptions {
  /** Compares `X-Gitlab-Token` against every global and per-Application secret, in constant time. */
  readonly authenticator: Pick<Authenticator, 'checkToken'>;
}

/**
 * First step of the webhook: `X-Gitlab-Token` must match one of the global
 * secrets (several during a rotation) or one Application's own, or 401
 * `bad_token` without a detail. Decided from the headers alone: no byte of
 * the body is read for an unauthenticated client. Whose secret it was is
 * kept in `c.var.credentials`; whether it may speak for the webhook's
 * project is decided once the payload names it.
 */
export function gitlabToken(options: GitlabTokenOptions) {
  const { authenticator } = options;
  return createMiddleware<{ Variables: AnswerVariables & CredentialVariables }>(async (c, next) => {
    const token = authenticator.checkToken(c.req.raw.headers);
    if (!token.ok) return reject(c, token.reason, token.detail);
    c.set('credentials', { token: token.owners });
    await next();
  });
}
