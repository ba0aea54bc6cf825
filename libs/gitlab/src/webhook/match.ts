import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { WebhookRejectionReason } from '@sluice/delivery';
import { GitlabError } from '../errors.js';
import { GITLAB_HEADERS, getHeader, type HeaderSource } from './headers.js';
import { hmacSignature } from './sign.js';
import { decodeSigningToken } from './signing-token.js';

const SIGNATURE_BYTES = 32;

/**
 * Which of several `X-Gitlab-Token` secrets a request's token equals: the
 * indexes of every match (several secrets may be equal), `[]` for none or a
 * missing token. Compares SHA-256 digests of the candidate and each secret,
 * salted per index with random bytes, so `timingSafeEqual` always sees equal
 * lengths and every secret is compared whatever matched: neither a secret's
 * length nor which one matched leaks through timing. (A one-shot salted hash
 * rather than an HMAC: this runs for every forged webhook of a flood, and an
 * HMAC object cost three times as much; nothing here needs a MAC — the
 * digests never leave the process.)
 *
 * @throws GitlabError `invalid_config` for an empty secret.
 */
export function createTokenIndex(secrets: readonly string[]): (candidate: string | undefined) => readonly number[] {
  // GitLab strips line breaks from the stored token before sending it.
  const normalized = secrets.map((secret) => secret.replace(/[\r\n]/g, ''));
  if (normalized.some((secret) => secret.length === 0)) {
    throw new GitlabError('invalid_config', 'webhook secret tokens must not be empty');
  }
  const salt = randomBytes(32).toString('hex');
  const digest = (value: string): Buffer => hash('sha256', salt + value, 'buffer');
  const expected = normalized.map(digest);
  return (candidate) => {
    if (candidate === undefined) return [];
    const actual = digest(candidate);
    const matched: number[] = [];
    expected.forEach((secret, index) => {
      if (timingSafeEqual(actual, secret)) matched.push(index);
    });
    return matched;
  };
}

/** Why a signing token cannot be used (not `whsec_<base64>`, key too short), or `undefined` when it can. Never contains the token. */
export function signingTokenProblem(token: string): string | undefined {
  try {
    decodeSigningToken(token);
    return undefined;
  } catch (error) {
    return error instanceof GitlabError ? error.message : 'signing token cannot be decoded';
  }
}

/** Outcome of {@link createSignatureIndex}: the indexes of every signing token whose signature the request carries. */
export type SignatureMatch =
  | { readonly ok: true; readonly matched: readonly number[] }
  | { readonly ok: false; readonly reason: WebhookRejectionReason; readonly detail: string };

/** Options of {@link createSignatureIndex}. */
export interface SignatureIndexOptions {
  /** Largest accepted difference between `webhook-timestamp` and now, either way, seconds. */
  readonly toleranceSeconds: number;
  /** Clock, injected for tests. */
  readonly now?: () => Date;
}

/**
 * Verifies a Standard Webhooks signature against several signing tokens at
 * once and says which of them signed it (every token is checked, whatever
 * matched). No match → `bad_signature`; a match outside the timestamp window
 * → `stale_timestamp` (judged only once the signature is authentic).
 *
 * @throws GitlabError `invalid_config` for a token not in `whsec_<base64>` form.
 */
export function createSignatureIndex(
  signingTokens: readonly string[],
  options: SignatureIndexOptions,
): (request: { readonly headers: HeaderSource; readonly body: Uint8Array }) => SignatureMatch {
  const keys = signingTokens.map(decodeSigningToken);
  const now = options.now ?? (() => new Date());
  return (request) => {
    const id = getHeader(request.headers, GITLAB_HEADERS.webhookId);
    const timestamp = getHeader(request.headers, GITLAB_HEADERS.webhookTimestamp);
    const header = getHeader(request.headers, GITLAB_HEADERS.webhookSignature);
    if (!id || !timestamp || !header) {
      return { ok: false, reason: 'bad_signature', detail: 'webhook-id, webhook-timestamp and webhook-signature headers are required' };
    }
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad_signature', detail: 'webhook-timestamp is not Unix seconds' };
    // Space-separated per the spec; a trailing comma appears when a proxy joined repeated headers.
    const candidates = header
      .split(/\s+/)
      .map((entry) => entry.replace(/,$/, ''))
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => Buffer.from(entry.slice(3), 'base64'))
      .filter((bytes) => bytes.length === SIGNATURE_BYTES);
    const matched: number[] = [];
    keys.forEach((key, index) => {
      const expected = hmacSignature(key, id, timestamp, request.body);
      let valid = false;
      for (const candidate of candidates) valid = timingSafeEqual(candidate, expected) || valid;
      if (valid) matched.push(index);
    });
    if (matched.length === 0) return { ok: false, reason: 'bad_signature', detail: 'no v1 signature in webhook-signature matches a configured signing token' };
    const skewSeconds = Math.abs(now().getTime() / 1000 - Number(timestamp));
    if (skewSeconds > options.toleranceSeconds) {
      return { ok: false, reason: 'stale_timestamp', detail: `webhook-timestamp is ${Math.round(skewSeconds)} s from now; the window is ±${options.toleranceSeconds} s` };
    }
    return { ok: true, matched };
  };
}
