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
  // The token check refuses only as `bad_token`, whose body carries no detail: one body per reason, built once.
  const bodies = new Map<string, Buffer>();
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || (req.url !== WEBHOOK_PATH && !req.url?.startsWith(`${WEBHOOK_PATH}?`))) return false;
    const started = performance.now();
    // From rawHeaders: `req.headers` would build an object of every header first, a third of a rejection's cost.
    const check = authenticator.checkTokenValue(rawHeader(req.rawHeaders, GITLAB_HEADERS.token));
    if (check.ok) return false;
    const requestId = requestIdFor(rawHeader(req.rawHeaders, 'x-request-id'));
    const body = bodies.get(check.reason) ?? bodies.set(check.reason, Buffer.from(JSON.stringify(rejectionBody(check.reason, check.detail)))).get(check.reason) as Buffer;
    // Node takes headers as one flat [name, value, …] list, the cheapest form it accepts.
    res.writeHead(REJECTION_STATUS[check.reason], ['content-type', 'application/json', 'content-length', String(body.length), 'x-request-id', requestId]);
    res.end(body);
    observer.rejected(check.reason, check.detail, () => logger.child({ requestId }));
    observer.finished('rejected', performance.now() - started);
    return true;
  };
}

/** The value of header `name` (lower case) in Node's `[name, value, …]` list, repeated ones joined with `, ` as Node joins them. */
function rawHeader(raw: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
  }
  return value;
}
