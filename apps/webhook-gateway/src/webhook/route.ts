import { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { WebhookRejectionReason } from '@sluice/delivery';
import { getHeader, GITLAB_HEADERS } from '@sluice/gitlab';
import { isKubeError } from '@sluice/kube';
import { deliveryLogger, type Logger } from '@sluice/service';
import { ATTR, contextWithSpan, startSpan, type Telemetry } from '@sluice/telemetry';
import type { Context } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { IntakeOutcome } from '../intake/act.js';
import type { Intake } from '../intake/intake.js';
import { endFailed, recordTrace, type Span } from '../trace.js';
import { signedMessageId, type Authenticator } from './auth.js';
import { readCappedBody } from './body.js';
import type { WebhookObserver, WebhookOutcomeLabel } from './observe.js';
import type { ReplayGuard } from './replay.js';

/** Options of {@link webhookHandler}. */
export interface WebhookHandlerOptions {
  readonly authenticator: Authenticator;
  readonly intake: Intake;
  readonly observer: WebhookObserver;
  readonly tracer: Telemetry['tracer'];
  readonly logger: Logger;
  /** Base of run-page links: `<publicUrl>/deliveries/<name>`. */
  readonly publicUrl: string;
  /** Largest body read, in bytes. */
  readonly maxBodyBytes: number;
  /** Accepted `webhook-timestamp` skew; signed ids are remembered this long past their timestamp. */
  readonly toleranceSeconds: number;
  /** Refuses a signed message seen before; consulted only when signatures are verified. */
  readonly replay?: ReplayGuard;
}

/** Hono context of the gateway: the request-id middleware runs first. */
export type GatewayContext = Context<{ Variables: RequestIdVariables }>;

/** HTTP status of each rejection. Authentication failures are 401 so GitLab shows the hook as misconfigured. */
export const REJECTION_STATUS: Readonly<Record<WebhookRejectionReason, 400 | 401 | 409 | 413 | 415>> = {
  bad_token: 401,
  bad_signature: 401,
  stale_timestamp: 401,
  replay: 409,
  unknown_event: 400,
  malformed: 400,
  too_large: 413,
  unsupported_media_type: 415,
};

// Stateless when not streaming, so one serves every request; `fatal`: invalid UTF-8 is malformed, not replaced.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

// Reasons whose detail would only help someone probe the authentication.
const QUIET = new Set<WebhookRejectionReason>(['bad_token', 'bad_signature', 'stale_timestamp', 'replay']);

/**
 * `POST /webhooks/gitlab`. In order, each step refusing with a reason from
 * the closed webhook set:
 *
 * 1. `X-Gitlab-Token` against every configured secret (constant time), from
 *    the headers alone → 401 `bad_token`;
 * 2. `Content-Type: application/json` → 415 `unsupported_media_type`;
 * 3. the body, read up to the cap while streaming → 413 `too_large`;
 * 4. when signing tokens are configured, the Standard Webhooks signature over
 *    the raw bytes and the timestamp window → 401 `bad_signature` /
 *    `stale_timestamp`, then the `webhook-id` not seen before → 409 `replay`;
 * 5. only now the JSON is parsed → 400 `malformed`;
 * 6. the intake: 202 `accepted` once the Delivery exists, 200 `duplicate`,
 *    200 `ignored` with a reason (never 4xx, so GitLab keeps the hook on),
 *    400 `malformed` for bad SHAs and refs.
 *
 * Kubernetes failures answer 503 and acknowledge nothing.
 *
 * Traces (authenticated requests only, so a flood of bad tokens costs no
 * spans): the SERVER span `POST /webhooks/gitlab`, from the request's arrival,
 * is the root of the Delivery's trace; its children are `webhook.verify`
 * (token, content type, body, signature, replay; ERROR with the rejection
 * reason) and `delivery.create` (the intake: routing, planning, creating the
 * Delivery and superseding older ones).
 */
export function webhookHandler(options: WebhookHandlerOptions): (c: GatewayContext) => Promise<Response> {
  const { authenticator, observer, tracer, logger, maxBodyBytes, toleranceSeconds, replay } = options;
  const runPage = (name: string) => `${options.publicUrl}/deliveries/${encodeURIComponent(name)}`;

  return async (c) => {
    const started = performance.now();
    const arrivedAtMs = Date.now();
    const headers = c.req.raw.headers;
    // A child logger costs more than the rest of a rejected request: made only when something is logged.
    let child: Logger | undefined;
    const log = (): Logger => (child ??= logger.child({ requestId: c.get('requestId') }));
    let verifying: Span | undefined;
    const reject = (reason: WebhookRejectionReason, detail: string, span?: Span): Response => {
      observer.rejected(reason, detail, log);
      observer.finished('rejected', performance.now() - started);
      if (verifying) endFailed(verifying, reason);
      verifying = undefined;
      if (span) endSpan(span, 'rejected', REJECTION_STATUS[reason], reason);
      return c.json({ status: 'rejected', reason, ...(!QUIET.has(reason) && { detail }) }, REJECTION_STATUS[reason]);
    };

    const token = authenticator.checkToken(headers);
    if (!token.ok) return reject(token.reason, token.detail);

    // Authenticated from here on: only these requests are traced, so a flood of bad tokens costs no spans.
    const span = startSpan(tracer, 'POST /webhooks/gitlab', {
      kind: 'server',
      startMs: arrivedAtMs,
      attributes: { 'http.request.method': 'POST', 'http.route': '/webhooks/gitlab', 'sluice.request_id': c.get('requestId') },
    });
    const inWebhook = contextWithSpan(span);
    verifying = startSpan(tracer, 'webhook.verify', { startMs: arrivedAtMs, attributes: { 'sluice.webhook.signed': authenticator.checkSignature !== undefined } }, inWebhook);
    const mediaType = (headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') return reject('unsupported_media_type', `Content-Type must be application/json, not "${mediaType}"`, span);

    const body = await readCappedBody(c.req.raw, maxBodyBytes, nodeRequest(c));
    if (!body.ok) return reject(body.reason, body.detail, span);

    let claimed: string | undefined;
    if (authenticator.checkSignature) {
      const signature = authenticator.checkSignature(headers, body.body);
      if (!signature.ok) return reject(signature.reason, signature.detail, span);
      const message = signedMessageId(headers);
      if (message && replay) {
        if (!replay.claim(message.id, (message.timestampSeconds + toleranceSeconds) * 1000)) {
          return reject('replay', 'this webhook-id was already received', span);
        }
        claimed = message.id;
      }
    }
    verifying.end();
    verifying = undefined;

    let json: unknown;
    try {
      json = JSON.parse(UTF8.decode(body.body));
    } catch {
      return reject('malformed', 'body is not valid UTF-8 JSON', span);
    }

    const event = getHeader(headers, GITLAB_HEADERS.event);
    span.setAttribute('sluice.webhook.event', event ?? '');
    let outcome: IntakeOutcome;
    const creating = startSpan(tracer, 'delivery.create', { attributes: { 'sluice.webhook.event': event ?? '' } }, inWebhook);
    try {
      outcome = await options.intake({
        event,
        json,
        idempotencyKey: getHeader(headers, GITLAB_HEADERS.idempotencyKey) ?? getHeader(headers, GITLAB_HEADERS.webhookId),
        requestId: c.get('requestId'),
        trace: recordTrace(span),
      });
    } catch (error) {
      // Nothing was acknowledged: let GitLab (or an operator) send it again.
      if (claimed !== undefined) replay?.release(claimed);
      const unavailable = isKubeError(error);
      log().error({ err: error }, 'webhook failed before a Delivery could be recorded');
      observer.finished('error', performance.now() - started);
      const errorType = unavailable ? `kube.${(error as { code: string }).code}` : 'InternalError';
      endFailed(creating, errorType);
      endSpan(span, 'error', unavailable ? 503 : 500, errorType);
      return c.json({ status: 'error', reason: unavailable ? 'unavailable' : 'internal' }, unavailable ? 503 : 500);
    }

    const delivery = 'delivery' in outcome ? outcome.delivery : undefined;
    creating.setAttribute(ATTR.webhookOutcome, outcome.status);
    if (delivery !== undefined) creating.setAttribute(ATTR.pipelineRunId, delivery);
    if (outcome.status === 'rejected') {
      endFailed(creating, outcome.reason);
      return reject(outcome.reason, outcome.detail, span);
    }
    creating.end();
    observer.finished(outcome.status, performance.now() - started);
    endSpan(span, outcome.status, outcome.status === 'accepted' ? 202 : 200, 'reason' in outcome ? outcome.reason : undefined, delivery);
    switch (outcome.status) {
      case 'accepted':
        if (logger.isLevelEnabled('info')) deliveryLogger(log(), { deliveryId: outcome.delivery }).info({ event, superseded: outcome.superseded }, 'webhook accepted');
        return c.json({ status: 'accepted', delivery: outcome.delivery, url: runPage(outcome.delivery), superseded: outcome.superseded }, 202);
      case 'duplicate':
        if (logger.isLevelEnabled('info')) deliveryLogger(log(), { deliveryId: outcome.delivery }).info({ event }, 'webhook duplicate');
        return c.json({ status: 'duplicate', delivery: outcome.delivery, url: runPage(outcome.delivery) }, 200);
      case 'ignored':
        log().info({ event, reason: outcome.reason, detail: outcome.detail, canceled: outcome.canceled }, 'webhook ignored');
        return c.json({ status: 'ignored', reason: outcome.reason, detail: outcome.detail, ...(outcome.canceled && { canceled: outcome.canceled }) }, 200);
    }
  };
}

/** The Node request under `c` when served by @hono/node-server; absent in-process (`app.request`). */
function nodeRequest(c: GatewayContext): IncomingMessage | undefined {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}

function endSpan(span: Span, outcome: WebhookOutcomeLabel, httpStatus: number, reason?: string, delivery?: string): void {
  span.setAttribute(ATTR.webhookOutcome, outcome);
  span.setAttribute(ATTR.httpStatus, httpStatus);
  if (reason !== undefined) span.setAttribute('sluice.webhook.reason', reason);
  if (delivery !== undefined) {
    span.setAttribute('sluice.delivery', delivery);
    span.setAttribute(ATTR.pipelineRunId, delivery);
  }
  if (outcome === 'rejected' || outcome === 'error') endFailed(span, reason ?? outcome);
  else span.end();
}
