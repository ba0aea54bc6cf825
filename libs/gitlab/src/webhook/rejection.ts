/**
 * Every reason a webhook request is rejected, in one closed set shared by the
 * gateway's responses, logs, span attributes and metric labels.
 */
export const WEBHOOK_REJECTION_REASONS = [
  'bad_token',
  'bad_signature',
  'stale_timestamp',
  'replay',
  'unknown_event',
  'malformed',
  'too_large',
] as const;

/** One of {@link WEBHOOK_REJECTION_REASONS}. */
export type WebhookRejectionReason = (typeof WEBHOOK_REJECTION_REASONS)[number];
