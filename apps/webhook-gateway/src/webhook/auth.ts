import { createWebhookVerifier, getHeader, GITLAB_HEADERS, type WebhookVerification } from '@sluice/gitlab';

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** Accepted `X-Gitlab-Token` values (at least one). */
  readonly secretTokens: readonly string[];
  /** Accepted signing tokens (`whsec_…`); when non-empty every request must be signed. */
  readonly signingTokens?: readonly string[];
  /** Accepted `webhook-timestamp` skew, seconds. */
  readonly toleranceSeconds: number;
  /** Largest body the signature check accepts; the caller caps the read at the same size. */
  readonly maxBodyBytes: number;
  /** Clock, injected for tests. */
  readonly now?: () => Date;
}

/** The two halves of webhook authentication, split by what they need. */
export interface Authenticator {
  /** Checks `X-Gitlab-Token` from the headers alone, before any body byte is read. */
  checkToken(headers: Headers): WebhookVerification;
  /**
   * Verifies the Standard Webhooks signature and timestamp window over the
   * raw body; `undefined` when no signing token is configured.
   */
  readonly checkSignature: ((headers: Headers, body: Uint8Array) => WebhookVerification) | undefined;
}

const NO_BODY = new Uint8Array(0);

/**
 * Builds the gateway's authentication from `@sluice/gitlab`'s verifier
 * (constant-time compare against every secret, HMAC over the raw bytes). It
 * is split in two so a request with a wrong token is refused before its body
 * is read: an unauthenticated client can make the gateway do no more than
 * hash one header.
 *
 * @throws GitlabError `invalid_config` for an empty token or a signing token not in `whsec_` form.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const byToken = createWebhookVerifier({ secretTokens: options.secretTokens, maxBodyBytes: options.maxBodyBytes });
  const signing = options.signingTokens ?? [];
  const bySignature =
    signing.length === 0
      ? undefined
      : createWebhookVerifier({
          signingTokens: signing,
          toleranceSeconds: options.toleranceSeconds,
          maxBodyBytes: options.maxBodyBytes,
          ...(options.now && { now: options.now }),
        });
  return {
    checkToken: (headers) => byToken({ headers, body: NO_BODY }),
    checkSignature: bySignature && ((headers, body) => bySignature({ headers, body })),
  };
}

/** The signed message's id and timestamp (seconds), once the signature was verified. */
export function signedMessageId(headers: Headers): { readonly id: string; readonly timestampSeconds: number } | undefined {
  const id = getHeader(headers, GITLAB_HEADERS.webhookId);
  const timestamp = Number(getHeader(headers, GITLAB_HEADERS.webhookTimestamp));
  return id && Number.isFinite(timestamp) ? { id, timestampSeconds: timestamp } : undefined;
}
