import { GitlabError } from '../errors.js';
import { GITLAB_HEADERS, getHeader, type HeaderSource } from './headers.js';
import type { WebhookRejectionReason } from '@sluice/delivery';
import { createSignatureIndex, createTokenIndex } from './match.js';

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
  const secretTokens = options.secretTokens ?? [];
  const tokenIndex = secretTokens.length === 0 ? undefined : createTokenIndex(secretTokens);
  const signingTokens = options.signingTokens ?? [];
  if (!tokenIndex && signingTokens.length === 0) {
    throw new GitlabError('invalid_config', 'configure at least one webhook secret token or signing token');
  }
  const toleranceSeconds = options.toleranceSeconds ?? DEFAULTS.toleranceSeconds;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  if (!(toleranceSeconds > 0) || !(maxBodyBytes > 0)) {
    throw new GitlabError('invalid_config', 'toleranceSeconds and maxBodyBytes must be positive numbers');
  }
  const signatureIndex =
    signingTokens.length === 0 ? undefined : createSignatureIndex(signingTokens, { toleranceSeconds, ...(options.now && { now: options.now }) });

  return (request) => {
    if (request.body.byteLength > maxBodyBytes) {
      return reject('too_large', `body is ${request.body.byteLength} bytes; the limit is ${maxBodyBytes}`);
    }
    if (tokenIndex) {
      const token = getHeader(request.headers, GITLAB_HEADERS.token);
      if (token === undefined) return reject('bad_token', 'X-Gitlab-Token header is missing');
      if (tokenIndex(token).length === 0) return reject('bad_token', 'X-Gitlab-Token does not match any configured secret');
    }
    if (signatureIndex) {
      const signature = signatureIndex(request);
      if (!signature.ok) return signature;
    }
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
