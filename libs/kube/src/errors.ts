import type { KubeStatus } from './types.js';

/**
 * The closed set of API failures callers branch on. Everything the apiserver
 * or the network can say maps to exactly one of these.
 */
export const KUBE_ERROR_CODES = [
  'NotFound',
  'Conflict',
  'AlreadyExists',
  'Forbidden',
  'QuotaExceeded',
  'Invalid',
  'Unavailable',
  'Unknown',
  /** Not sent: this replica is not the leader (or its Lease is about to expire), so it must not write. */
  'Fenced',
] as const;

/** One of {@link KUBE_ERROR_CODES}. */
export type KubeErrorCode = (typeof KUBE_ERROR_CODES)[number];

/** Options for constructing a {@link KubeError}. */
export interface KubeErrorInit {
  /** HTTP status code, when there was a response. */
  readonly status?: number;
  /** `Status.reason` (`NotFound`, `Forbidden`, `Expired`, …), when the apiserver sent one. */
  readonly reason?: string;
  /** The full `Status` object, when the apiserver sent one. */
  readonly details?: KubeStatus;
  readonly cause?: unknown;
}

/** A failed Kubernetes API call, classified into a closed {@link KubeErrorCode}. */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  readonly code: KubeErrorCode;
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly details: KubeStatus | undefined;

  constructor(code: KubeErrorCode, message: string, init: KubeErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.reason = init.reason;
    this.details = init.details;
  }
}

/** True when `err` is a {@link KubeError}, optionally with one of the given codes. */
export function isKubeError(err: unknown, ...codes: KubeErrorCode[]): err is KubeError {
  return err instanceof KubeError && (codes.length === 0 || codes.includes(err.code));
}

/**
 * Classifies an HTTP status and `Status` reason. The reason wins over the
 * status where they disagree: a 409 is `AlreadyExists` or `Conflict` only by
 * its reason, and a quota rejection is a 403 told apart by its message.
 */
export function classify(status: number | undefined, reason?: string, message?: string): KubeErrorCode {
  // The quota admission plugin answers 403 Forbidden; only the message says "exceeded quota".
  if ((status === 403 || reason === 'Forbidden') && message !== undefined && /exceeded quota/i.test(message)) {
    return 'QuotaExceeded';
  }
  // Server-side apply reports a patch that does not fit the schema (an unknown
  // or mistyped field) as a 500 without a reason; retrying can never help.
  if (status === 500 && message !== undefined && message.startsWith('failed to create typed patch object')) {
    return 'Invalid';
  }
  switch (reason) {
    case 'NotFound':
      return 'NotFound';
    case 'AlreadyExists':
      return 'AlreadyExists';
    case 'Conflict':
      return 'Conflict';
    case 'Forbidden':
    case 'Unauthorized':
      return 'Forbidden';
    case 'Invalid':
    case 'BadRequest':
    case 'UnsupportedMediaType':
    case 'RequestEntityTooLarge':
      return 'Invalid';
    case 'ServiceUnavailable':
    case 'InternalError':
    case 'Timeout':
    case 'ServerTimeout':
    case 'TooManyRequests':
      return 'Unavailable';
  }
  if (status === undefined) return 'Unknown';
  if (status === 404) return 'NotFound';
  if (status === 409) return 'Conflict';
  // 401 means the credentials were refused; for a caller that is "not allowed", like 403.
  if (status === 401 || status === 403) return 'Forbidden';
  // 400/415/413 mean the request itself was malformed: fix the input, like 422.
  if (status === 400 || status === 413 || status === 415 || status === 422) return 'Invalid';
  // 429 and 5xx are the server saying "not now": retry later.
  if (status === 408 || status === 429 || status >= 500) return 'Unavailable';
  return 'Unknown';
}

/** Parses a response body into a `Status` object, or `undefined` when it is not one. */
export function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (value !== null && typeof value === 'object' && (value as { kind?: unknown }).kind === 'Status') {
    return value as KubeStatus;
  }
  return undefined;
}

/** A {@link KubeError} from an HTTP status and the raw response body. */
export function errorFromResponse(status: number, body: unknown, cause?: unknown): KubeError {
  const s = parseStatus(body);
  const code = classify(status, s?.reason, s?.message);
  const text = typeof body === 'string' ? body.slice(0, 500) : '';
  const message = s?.message ?? (text || `HTTP ${status}`);
  return new KubeError(code, message, { status, reason: s?.reason, details: s, cause });
}

/** A {@link KubeError} from a `Status` object (a watch `ERROR` event carries one). */
export function errorFromStatus(status: KubeStatus, cause?: unknown): KubeError {
  const code = classify(status.code, status.reason, status.message);
  return new KubeError(code, status.message ?? `${status.reason ?? 'Failure'} (${status.code ?? '?'})`, {
    status: status.code,
    reason: status.reason,
    details: status,
    cause,
  });
}

/** Error codes of Node sockets and DNS that mean "the apiserver could not be reached". */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * Turns anything a client-node call can throw into a {@link KubeError}:
 * `ApiException` (`code` + `body` as a JSON string), the `Watch` error
 * (`statusCode`), node-fetch's `FetchError` and `AbortError`, or a `KubeError`
 * (returned as is). The original is kept as `cause`.
 */
export function toKubeError(err: unknown): KubeError {
  if (err instanceof KubeError) return err;
  if (err !== null && typeof err === 'object') {
    const e = err as { code?: unknown; body?: unknown; statusCode?: unknown; name?: unknown; type?: unknown; message?: unknown };
    // client-node's ApiException: numeric `code`, `body` usually the raw JSON text of a Status.
    if (typeof e.code === 'number' && 'body' in e) return errorFromResponse(e.code, e.body, err);
    // client-node's Watch rejects a non-200 reply with an Error carrying `statusCode`.
    if (typeof e.statusCode === 'number') return errorFromResponse(e.statusCode, e.message, err);
    const message = typeof e.message === 'string' ? e.message : String(err);
    if (e.name === 'AbortError' || e.name === 'TimeoutError') return new KubeError('Unavailable', message, { cause: err });
    if ((typeof e.code === 'string' && NETWORK_CODES.has(e.code)) || e.type === 'system') {
      return new KubeError('Unavailable', message, { cause: err });
    }
    return new KubeError('Unknown', message, { cause: err });
  }
  return new KubeError('Unknown', String(err), { cause: err });
}
