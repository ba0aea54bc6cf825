import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GitlabError } from '../errors.js';
import { GITLAB_HEADERS, getHeader, type HeaderSource } from './headers.js';
import type { WebhookRejectionReason } from '@sluice/delivery';
import { hmacSignature } from './sign.js';
import { decodeSigningToken } from './signing-token.js';

/** Options of {@link createWebhookVerifier}. At least one secret token or signing token is required. */
export interface WebhookVerifierOptions {
  /**
   * Accepted `X-Gitlab-Token` values. Several may be valid at once while a
   * secret is rotated. When non-empty, every request must carry one of them.
   */
  readonly secretTokens?: readonly string[];
  /**
   * Accepted signing tokens (`whsec_<base64>`), several during rotation. When
   * non-empty, every request must carry a valid Standard Webhooks signature.
   */
  readonly signingTokens?: readonly string[];
  /** Largest accepted difference between `webhook-timestamp` and now, either way. Default 300 s. */
  readonly toleranceSeconds?: number;
  /** Largest accepted body. Default 5 MiB; the caller should also stop reading the stream there. */
  readonly maxBodyBytes?: number;
  /** Clock, injected for tests. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/** One received webhook request: headers and the raw, unparsed body bytes. */
export interface WebhookRequest {
  readonly headers: HeaderSource;
  readonly body: Uint8Array;
}

/** Outcome of verification. `detail` is for logs and never contains a secret. */
export type WebhookVerification =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: WebhookRejectionReason; readonly detail: string };

const DEFAULTS = { toleranceSeconds: 300, maxBodyBytes: 5 * 1024 * 1024 } as const;
const SIGNATURE_BYTES = 32;

/**
 * Builds a verifier for GitLab webhook requests. Options are checked and keys
 * decoded once; the returned function is pure apart from reading the clock.
 *
 * Order of checks: body size, then `X-Gitlab-Token` (when secret tokens are
 * configured), then the signature (when signing tokens are configured), then
 * the timestamp window. The timestamp is judged only once the signature is
 * valid, so `stale_timestamp` means "authentic but too old or too new"
 * (a replayed delivery or clock skew), never a forgery.
 *
 * @throws GitlabError `invalid_config` when no secret is configured, a secret
 *   token is empty, or a signing token is not `whsec_<base64>`.
 */
export function createWebhookVerifier(options: WebhookVerifierOptions): (request: WebhookRequest) => WebhookVerification {
  const tokenMatcher = createTokenMatcher(options.secretTokens ?? []);
  const signingKeys = (options.signingTokens ?? []).map(decodeSigningToken);
  if (!tokenMatcher && signingKeys.length === 0) {
    throw new GitlabError('invalid_config', 'configure at least one webhook secret token or signing token');
  }
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULTS.toleranceSeconds;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  if (!(toleranceSeconds > 0) || !(maxBodyBytes > 0)) {
    throw new GitlabError('invalid_config', 'toleranceSeconds and maxBodyBytes must be positive numbers');
  }
  const now = options.now ?? (() => new Date());

  return (request) => {
    if (request.body.byteLength > maxBodyBytes) {
      return reject('too_large', `body is ${request.body.byteLength} bytes; the limit is ${maxBodyBytes}`);
    }
    if (tokenMatcher) {
      const token = getHeader(request.headers, GITLAB_HEADERS.token);
      if (token === undefined) return reject('bad_token', 'X-Gitlab-Token header is missing');
      if (!tokenMatcher(token)) return reject('bad_token', 'X-Gitlab-Token does not match any configured secret');
    }
    if (signingKeys.length > 0) return verifySignature(request, signingKeys, toleranceSeconds, now());
    return { ok: true };
  };
}

/** One-shot form of {@link createWebhookVerifier}, for callers that do not keep the verifier. */
export function verifyWebhook(request: WebhookRequest, options: WebhookVerifierOptions): WebhookVerification {
  return createWebhookVerifier(options)(request);
}

function reject(reason: WebhookRejectionReason, detail: string): WebhookVerification {
  return { ok: false, reason, detail };
}

/**
 * Compares HMACs of the candidate and each secret under a per-verifier random
 * key, so `timingSafeEqual` always sees equal lengths and neither the secret's
 * length nor which secret matched leaks through timing.
 */
function createTokenMatcher(secrets: readonly string[]): ((candidate: string) => boolean) | undefined {
  if (secrets.length === 0) return undefined;
  // GitLab strips line breaks from the stored token before sending it.
  const normalized = secrets.map((secret) => secret.replace(/[\r\n]/g, ''));
  if (normalized.some((secret) => secret.length === 0)) {
    throw new GitlabError('invalid_config', 'webhook secret tokens must not be empty');
  }
  const key = randomBytes(32);
  const digest = (value: string): Buffer => createHmac('sha256', key).update(value).digest();
  const expected = normalized.map(digest);
  return (candidate) => {
    const actual = digest(candidate);
    let matched = false;
    for (const secret of expected) matched = timingSafeEqual(actual, secret) || matched;
    return matched;
  };
}

function verifySignature(request: WebhookRequest, keys: readonly Buffer[], toleranceSeconds: number, now: Date): WebhookVerification {
  const id = getHeader(request.headers, GITLAB_HEADERS.webhookId);
  const timestamp = getHeader(request.headers, GITLAB_HEADERS.webhookTimestamp);
  const header = getHeader(request.headers, GITLAB_HEADERS.webhookSignature);
  if (!id || !timestamp || !header) {
    return reject('bad_signature', 'webhook-id, webhook-timestamp and webhook-signature headers are required');
  }
  if (!/^\d{1,12}$/.test(timestamp)) return reject('bad_signature', 'webhook-timestamp is not Unix seconds');

  // Space-separated per the spec; a trailing comma appears when a proxy joined repeated headers.
  const candidates = header
    .split(/\s+/)
    .map((entry) => entry.replace(/,$/, ''))
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'))
    .filter((bytes) => bytes.length === SIGNATURE_BYTES);
  const valid = keys.some((key) => {
    const expected = hmacSignature(key, id, timestamp, request.body);
    return candidates.some((candidate) => timingSafeEqual(candidate, expected));
  });
  if (!valid) return reject('bad_signature', 'no v1 signature in webhook-signature matches a configured signing token');

  const skewSeconds = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skewSeconds > toleranceSeconds) {
    return reject('stale_timestamp', `webhook-timestamp is ${Math.round(skewSeconds)} s from now; the window is ±${toleranceSeconds} s`);
  }
  return { ok: true };
}
