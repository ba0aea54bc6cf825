import { createMiddleware } from 'hono/factory';
import { reject, type AnswerEnv } from './answer.js';
import type { Authenticator } from './auth.js';

/** Options of {@link gitlabToken}. */
export interface GitlabTokenOptions {
  /** Compares `X-Gitlab-Token` against every configured secret, in constant time. */
  readonly authenticator: Pick<Authenticator, 'checkToken'>;
}

/**
 * First step of the webhook: `X-Gitlab-Token` must match one of the
 * configured secrets (several during a rotation), or 401 `bad_token` without
 * a detail. Decided from the headers alone: no byte of the body is read for
 * an unauthenticated client.
 */
export function gitlabToken(options: GitlabTokenOptions) {
  const { authenticator } = options;
  return createMiddleware<AnswerEnv>(async (c, next) => {
    const token = authenticator.checkToken(c.req.raw.headers);
    if (!token.ok) return reject(c, token.reason, token.detail);
    await next();
  });
}
