import type { WebhookRejectionReason } from '@sluice/delivery';
import type { Logger } from '@sluice/service';
import { ATTR, instruments, type Telemetry } from '@sluice/telemetry';
import { createMiddleware } from 'hono/factory';
import type { RequestIdVariables } from 'hono/request-id';
import { endFailed, type Span } from '../trace.js';
import type { AnswerVariables, WebhookAnswer } from './answer.js';
import type { SpanVariables } from './spans.js';

/** How a webhook request ended, as counted. */
export type WebhookOutcomeLabel = 'accepted' | 'duplicate' | 'ignored' | 'rejected' | 'error';

/** Counts and logs what the webhook endpoint does. */
export interface WebhookObserver {
  /** Counts a rejection (`sluice.webhook.rejections{error.type}`) and logs it, at most a few lines per reason per second. */
  rejected(reason: WebhookRejectionReason, detail: string, log: () => Logger): void;
  /** Counts a finished request (`sluice.webhook.requests{sluice.webhook.outcome}`) and records its duration (`sluice.webhook.duration`, seconds). */
  finished(outcome: WebhookOutcomeLabel, durationMs: number): void;
}

/** Options of {@link createWebhookObserver}. */
export interface WebhookObserverOptions {
  readonly meter: Telemetry['meter'];
  /** Log lines per rejection reason per second; the rest are only counted. Default 5. */
  readonly logsPerSecond?: number;
  readonly now?: () => number;
}

/**
 * Metrics through the telemetry meter, plus rejection logs that a flood of
 * bad requests cannot turn into a flood of log lines (the counter still
 * sees every one; the next logged line says how many were not logged).
 */
export function createWebhookObserver(options: WebhookObserverOptions): WebhookObserver {
  const { meter } = options;
  const limit = options.logsPerSecond ?? 5;
  const now = options.now ?? Date.now;
  // The catalog's instruments (names, units, buckets); the dashboard queries exactly these.
  const { webhookRejections: rejections, webhookRequests: requests, webhookDuration: duration } = instruments(meter);
  const windows = new Map<WebhookRejectionReason, { second: number; logged: number; suppressed: number }>();

  return {
    rejected(reason, detail, log) {
      rejections.add(1, { [ATTR.errorType]: reason });
      const second = Math.floor(now() / 1000);
      let window = windows.get(reason);
      if (window === undefined) windows.set(reason, (window = { second, logged: 0, suppressed: 0 }));
      if (window.second !== second) {
        window.second = second;
        window.logged = 0;
      }
      if (window.logged >= limit) {
        window.suppressed += 1;
        return;
      }
      window.logged += 1;
      const suppressed = window.suppressed;
      window.suppressed = 0;
      log().warn({ reason, detail, ...(suppressed > 0 && { suppressedSinceLastLine: suppressed }) }, 'webhook rejected');
    },
    finished(outcome, durationMs) {
      requests.add(1, { [ATTR.webhookOutcome]: outcome });
      duration.record(durationMs / 1000, { [ATTR.webhookOutcome]: outcome });
    },
  };
}

/** What {@link observeWebhook} hands on. */
export interface ArrivalVariables {
  /** When the request arrived (epoch ms): the start of the webhook's spans. */
  arrivedAtMs: number;
}

/** Options of {@link observeWebhook}. */
export interface ObserveWebhookOptions {
  readonly observer: WebhookObserver;
  /** Rejections are logged through a child with the request id, made only when a line is written. */
  readonly logger: Logger;
}

// A step threw instead of answering: Hono's error handler answered 500.
const INTERNAL: WebhookAnswer = { outcome: 'error', errorType: 'InternalError' };

/**
 * Outermost step of the webhook: times it and, once a later step answered,
 * records the answer (`c.var.webhookAnswer`) in this one place: the rejection
 * counter `sluice.webhook.rejections{error.type}` and its rate-limited log,
 * the request counter and duration, and the spans `webhookSpans` started —
 * `webhook.verify` failed with the reason when verification refused, the
 * SERVER span with the outcome, HTTP status, reason and Delivery.
 */
export function observeWebhook(options: ObserveWebhookOptions) {
  const { observer, logger } = options;
  type Observed = RequestIdVariables & ArrivalVariables & AnswerVariables & Partial<SpanVariables>;
  return createMiddleware<{ Variables: Observed }>(async (c, next) => {
    const started = performance.now();
    c.set('arrivedAtMs', Date.now());
    await next();
    const answer = c.get('webhookAnswer') ?? INTERNAL;
    const reason = answer.outcome === 'error' ? answer.errorType : 'reason' in answer ? answer.reason : undefined;
    if (answer.outcome === 'rejected') observer.rejected(answer.reason, answer.detail, () => logger.child({ requestId: c.get('requestId') }));
    observer.finished(answer.outcome, performance.now() - started);
    const verifying = c.get('verifySpan');
    if (verifying !== undefined) endFailed(verifying, reason ?? answer.outcome);
    const root = c.get('webhookSpan');
    if (root !== undefined) endSpan(root, answer.outcome, c.res.status, reason, 'delivery' in answer ? answer.delivery : undefined);
  });
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
