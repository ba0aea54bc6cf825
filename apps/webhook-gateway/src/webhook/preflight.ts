import type { IncomingMessage, ServerResponse } from 'node:http';
import { GITLAB_HEADERS } from '@sluice/gitlab';
import type { Logger, Preflight } from '@sluice/service';
import { requestIdFor } from '../app.js';
import { REJECTION_STATUS, rejectionBody } from './answer.js';
import type { Authenticator } from './auth.js';
import type { WebhookObserver } from './observe.js';
import { WEBHOOK_PATH } from './route.js';

/** Options of {@link badTokenPreflight}. */
export interface BadTokenPreflightOptions {
  readonly authenticator: Pick<Authenticator, 'checkTokenValue'>;
  readonly observer: WebhookObserver;
  /** Rejections are logged through a child with the request id, made only when a line is written. */
  readonly logger: Logger;
}

/**
 * The path a flood of forged webhooks takes, answered before the HTTP app
 * builds anything: `POST /webhooks/gitlab` whose `X-Gitlab-Token` matches no
 * secret (constant-time, as `gitlabToken` checks it) gets 401 `bad_token`
 * with its `X-Request-Id`, counted in `sluice.webhook.rejections` and
 * `sluice.webhook.requests`, logged at the observer's rate limit — the same
 * answer, metrics and log line the app's steps give — and its body is never
 * read. Any other request, and a webhook with a good token, goes on to the
 * app, which checks the token again as its first step.
 */
export function badTokenPreflight(options: BadTokenPreflightOptions): Preflight {
  const { authenticator, observer, logger } = options;
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || (req.url !== WEBHOOK_PATH && !req.url?.startsWith(`${WEBHOOK_PATH}?`))) return false;
    const started = performance.now();
    const check = authenticator.checkTokenValue(single(req.headers[GITLAB_HEADERS.token]));
    if (check.ok) return false;
    const requestId = requestIdFor(single(req.headers['x-request-id']));
    const body = JSON.stringify(rejectionBody(check.reason, check.detail));
    res.writeHead(REJECTION_STATUS[check.reason], { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId });
    res.end(body);
    observer.rejected(check.reason, check.detail, () => logger.child({ requestId }));
    observer.finished('rejected', performance.now() - started);
    return true;
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
