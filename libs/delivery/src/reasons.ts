import * as z from 'zod';

/**
 * Why a delivery (or one of its stages) failed. One closed set, shared by
 * Delivery status, span attributes (`error.type`), metric labels and GitLab
 * status descriptions. A reason is decided from facts the cluster reports
 * (container names, exit codes, termination messages, pod conditions, quota
 * errors), never guessed from log text alone. Extend the list here; never
 * invent a reason elsewhere.
 */
export const FAILURE_REASONS = [
  'CloneFailed',
  'RefMismatch',
  'DependencyInstallFailed',
  'TestsFailed',
  'TestTimeout',
  'OOMKilled',
  'ImagePullFailed',
  'QuotaExceeded',
  'Unschedulable',
  'BuildFailed',
  'RolloutTimeout',
  'ReadinessFailed',
  'CrashLoop',
  'PostPromotionUnhealthy',
  'RollbackFailed',
  'NamespaceNotAllowed',
  'NotOwned',
  'Superseded',
  'Canceled',
  'InternalError',
] as const;

/** One of {@link FAILURE_REASONS}. */
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Schema for {@link FailureReason}. */
export const FailureReasonSchema = z.enum(FAILURE_REASONS);

/** True when `value` is one of {@link FAILURE_REASONS}. */
export function isFailureReason(value: unknown): value is FailureReason {
  return FailureReasonSchema.safeParse(value).success;
}

/**
 * Why the gateway refused a webhook. Closed, and separate from
 * {@link FAILURE_REASONS} because no Delivery exists yet; used in the
 * response body, logs and the rejection metric label.
 */
export const WEBHOOK_REJECTION_REASONS = [
  'bad_token',
  'bad_signature',
  'foreign_secret',
  'stale_timestamp',
  'replay',
  'unknown_event',
  'malformed',
  'too_large',
  'unsupported_media_type',
] as const;

/** One of {@link WEBHOOK_REJECTION_REASONS}. */
export type WebhookRejectionReason = (typeof WEBHOOK_REJECTION_REASONS)[number];

/** Schema for {@link WebhookRejectionReason}. */
export const WebhookRejectionReasonSchema = z.enum(WEBHOOK_REJECTION_REASONS);
