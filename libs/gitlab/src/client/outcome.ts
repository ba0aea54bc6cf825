import { GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { InterceptedResponse } from './dispatcher.js';
import { parseRetryAfter } from './retry-after.js';

/** GitLab did what was asked; `value` is its answer, mapped to a Sluice value. */
export interface GitlabOk<T> {
  readonly kind: 'ok';
  readonly value: T;
}

/**
 * GitLab answered 409: another update to the same commit's statuses holds
 * GitLab's lock (5 s TTL). Retry shortly.
 */
export interface GitlabLocked {
  readonly kind: 'locked';
  readonly httpStatus: 409;
  readonly message: string;
  readonly retryAfterMs: number | null;
}

/** Try again later: 429, 5xx, timeout or network failure. `httpStatus` is `null` when nothing was answered. */
export interface GitlabRetryable {
  readonly kind: 'retryable';
  readonly httpStatus: number | null;
  readonly message: string;
  /** From `Retry-After`, when GitLab sent one. */
  readonly retryAfterMs: number | null;
}

/** GitLab refused the request (4xx); retrying the same request will not help. */
export interface GitlabRejected {
  readonly kind: 'rejected';
  readonly httpStatus: number;
  readonly message: string;
}

/** Any way a call can fail without being a bug in the caller. */
export type GitlabFailure = GitlabLocked | GitlabRetryable | GitlabRejected;

/** The result of every client call. */
export type GitlabOutcome<T> = GitlabOk<T> | GitlabFailure;

/** What a failed call told us, independent of gitbeaker's error classes. */
export interface FailureFacts {
  readonly httpStatus: number | null;
  readonly message: string;
  readonly retryAfter: string | null;
}

/**
 * Extracts status, message and `Retry-After` from what a gitbeaker call threw.
 * Returns `undefined` for anything that is not a request failure (a bug),
 * which the caller should rethrow. Never returns the request or its headers,
 * which hold the token.
 */
export function failureFacts(error: unknown): FailureFacts | undefined {
  if (error instanceof GitbeakerRequestError) {
    const response = error.cause?.response;
    return {
      httpStatus: response?.status ?? null,
      message: error.cause?.description || error.message,
      retryAfter: response?.headers.get('retry-after') ?? null,
    };
  }
  if (error instanceof GitbeakerTimeoutError) return { httpStatus: null, message: 'request timed out', retryAfter: null };
  if (error instanceof GitbeakerRetryError) return { httpStatus: null, message: error.message, retryAfter: null };
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause: unknown = error.cause;
    if (cause instanceof InterceptedResponse) {
      return { httpStatus: cause.status, message: `HTTP ${cause.status}`, retryAfter: cause.headers['retry-after'] ?? null };
    }
    return { httpStatus: null, message: `network error: ${networkCode(cause)}`, retryAfter: null };
  }
  return undefined;
}

/** Maps failure facts to an outcome: 409 → locked; 408, 429, 5xx, no answer → retryable; other 4xx → rejected. */
export function classifyFailure(facts: FailureFacts, now: Date): GitlabFailure {
  const retryAfterMs = parseRetryAfter(facts.retryAfter, now);
  const { httpStatus, message } = facts;
  if (httpStatus === 409) return { kind: 'locked', httpStatus, message, retryAfterMs };
  if (httpStatus === null || httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) {
    return { kind: 'retryable', httpStatus, message, retryAfterMs };
  }
  return { kind: 'rejected', httpStatus, message };
}

function networkCode(cause: unknown): string {
  if (cause && typeof cause === 'object') {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string') return message;
  }
  return 'unknown';
}
