import { contextWithSpan, startSpan, type Telemetry } from '@sluice/telemetry';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { RequestIdVariables } from 'hono/request-id';
import type { Span } from '../trace.js';
import type { ArrivalVariables } from './observe.js';

/** What {@link webhookSpans} hands on. */
export interface SpanVariables {
  /** The SERVER span `POST /webhooks/gitlab`, root of the Delivery's trace. */
  webhookSpan: Span;
  /** `webhook.verify`, open until verification is over ({@link endVerification}). */
  verifySpan: Span | undefined;
}

/** Options of {@link webhookSpans}. */
export interface WebhookSpansOptions {
  readonly tracer: Telemetry['tracer'];
  /** Whether signatures are verified (`sluice.webhook.signed` on `webhook.verify`). */
  readonly signed: boolean;
}

/**
 * Starts the webhook's spans, placed right after the token check so a flood
 * of bad tokens costs no spans: the SERVER span `POST /webhooks/gitlab`,
 * from the request's arrival (`c.var.arrivedAtMs`, set by `observeWebhook`),
 * and its child `webhook.verify`. `observeWebhook` ends them with the answer.
 */
export function webhookSpans(options: WebhookSpansOptions) {
  const { tracer, signed } = options;
  return createMiddleware<{ Variables: RequestIdVariables & Partial<ArrivalVariables> & SpanVariables }>(async (c, next) => {
    const startMs = c.get('arrivedAtMs') ?? Date.now();
    const root = startSpan(tracer, 'POST /webhooks/gitlab', {
      kind: 'server',
      startMs,
      attributes: { 'http.request.method': 'POST', 'http.route': '/webhooks/gitlab', 'sluice.request_id': c.get('requestId') },
    });
    c.set('webhookSpan', root);
    c.set('verifySpan', startSpan(tracer, 'webhook.verify', { startMs, attributes: { 'sluice.webhook.signed': signed } }, contextWithSpan(root)));
    await next();
  });
}

/** Ends `webhook.verify` as passed: called by the first step after verification. */
export function endVerification<E extends { Variables: SpanVariables }>(c: Context<E>): void {
  c.get('verifySpan')?.end();
  c.set('verifySpan', undefined);
}
