import type { WebhookRejectionReason } from '@sluice/delivery';
import type { Logger } from '@sluice/service';
import { ATTR, instruments, type Telemetry } from '@sluice/telemetry';

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
