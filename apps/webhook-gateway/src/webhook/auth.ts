import { createSignatureIndex, createTokenIndex, getHeader, GitlabError, GITLAB_HEADERS } from '@sluice/gitlab';
import type { WebhookRejectionReason } from '@sluice/delivery';
import type { WebhookSecretSource } from '../webhook-secrets.js';

/** Whose secret a request carried: a global one (`SLUICE_WEBHOOK_*_FILES`) and/or the per-Application Secrets named. */
export interface SecretOwners {
  readonly global: boolean;
  /** Names of the per-Application webhook Secrets that matched, sorted. */
  readonly secrets: readonly string[];
}

/** What authenticated a webhook: its token's owners, and its signature's when it was signed by a known key. */
export interface Credentials {
  readonly token: SecretOwners;
  /** Absent: not signed (or signed by no key this gateway holds, when signing is not required). */
  readonly signature?: SecretOwners;
}

/** Owners of nothing: what a step that did not check sees. */
export const NO_OWNERS: SecretOwners = Object.freeze({ global: false, secrets: Object.freeze([]) as readonly string[] });

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** Global `X-Gitlab-Token` values (at least one). */
  readonly secretTokens: readonly string[];
  /** Global signing tokens (`whsec_…`); when non-empty every request must be signed. */
  readonly signingTokens?: readonly string[];
  /** Per-Application webhook Secrets (`spec.webhook.secretName`), kept current by an informer. */
  readonly projectSecrets?: WebhookSecretSource;
  /** Accepted `webhook-timestamp` skew, seconds. */
  readonly toleranceSeconds: number;
  /** Largest body the signature check accepts; the caller caps the read at the same size. */
  readonly maxBodyBytes: number;
  /** Clock, injected for tests. */
  readonly now?: () => Date;
}

/** A check's outcome: who the matching secret belongs to, or why it was refused. */
export type Check<T> = { readonly ok: true; readonly owners: T } | { readonly ok: false; readonly reason: WebhookRejectionReason; readonly detail: string };

/** The two halves of webhook authentication, split by what they need. */
export interface Authenticator {
  /**
   * Checks `X-Gitlab-Token` from the headers alone, before any body byte is
   * read, against every global and per-Application token (constant time);
   * says whose it is.
   */
  checkToken(headers: Headers): Check<SecretOwners>;
  /** {@link checkToken} for the header's value itself (`undefined` when it is missing). */
  checkTokenValue(token: string | undefined): Check<SecretOwners>;
  /**
   * Verifies the Standard Webhooks signature and timestamp window over the
   * raw body against every global and per-Application signing key; says
   * whose it is, `undefined` when the request is not signed by a known key
   * and no global signing key requires it.
   */
  checkSignature(headers: Headers, body: Uint8Array): Check<SecretOwners | undefined>;
  /** Whether global signing keys are configured: then every request must be signed. */
  readonly signingRequired: boolean;
}

const GLOBAL = Symbol('global');
type Owner = typeof GLOBAL | string;

interface Compiled {
  readonly version: number;
  readonly tokens: { readonly owners: readonly Owner[]; readonly match: (candidate: string | undefined) => readonly number[] };
  readonly signing: { readonly owners: readonly Owner[]; readonly match: ReturnType<typeof createSignatureIndex> } | undefined;
}

const NOBODY: SecretOwners = { global: false, secrets: [] };

function ownersOf(all: readonly Owner[], matched: readonly number[]): SecretOwners {
  // The answer to every forged token of a flood: nothing to collect.
  if (matched.length === 0) return NOBODY;
  const secrets = new Set<string>();
  let global = false;
  for (const index of matched) {
    const owner = all[index];
    if (owner === GLOBAL) global = true;
    else if (owner !== undefined) secrets.add(owner);
  }
  return { global, secrets: [...secrets].sort() };
}

/**
 * Builds the gateway's authentication from `@sluice/gitlab`'s token and
 * signature indexes, over the global secrets and every per-Application
 * Secret (rebuilt when those change). It is split in two so a request with
 * a wrong token is refused before its body is read: an unauthenticated
 * client can make the gateway do no more than hash one header. Which
 * project a matching secret may speak for is decided after parsing
 * (`intake/ownership.ts`).
 *
 * @throws GitlabError `invalid_config` for no global token, an empty one, or a global signing token not in `whsec_` form.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  if (options.secretTokens.length === 0) throw new GitlabError('invalid_config', 'configure at least one webhook secret token');
  const globalSigning = options.signingTokens ?? [];
  const signatureOptions = { toleranceSeconds: options.toleranceSeconds, ...(options.now && { now: options.now }) };
  // Validates the global secrets now, so a bad one fails start-up.
  createTokenIndex(options.secretTokens);
  if (globalSigning.length > 0) createSignatureIndex(globalSigning, signatureOptions);

  let compiled: Compiled | undefined;
  const current = (): Compiled => {
    const version = options.projectSecrets?.version() ?? 0;
    if (compiled?.version === version) return compiled;
    const tokenOwners: Owner[] = options.secretTokens.map(() => GLOBAL);
    const tokens = [...options.secretTokens];
    const signingOwners: Owner[] = globalSigning.map(() => GLOBAL);
    const signing = [...globalSigning];
    for (const [name, secret] of options.projectSecrets?.entries() ?? []) {
      if (secret.token !== undefined) {
        tokens.push(secret.token);
        tokenOwners.push(name);
      }
      if (secret.signingKey !== undefined) {
        signing.push(secret.signingKey);
        signingOwners.push(name);
      }
    }
    compiled = {
      version,
      tokens: { owners: tokenOwners, match: createTokenIndex(tokens) },
      signing: signing.length === 0 ? undefined : { owners: signingOwners, match: createSignatureIndex(signing, signatureOptions) },
    };
    return compiled;
  };
  const signingRequired = globalSigning.length > 0;
  const checkTokenValue = (token: string | undefined): Check<SecretOwners> => {
    if (token === undefined) return { ok: false, reason: 'bad_token', detail: 'X-Gitlab-Token header is missing' };
    const { tokens } = current();
    const owners = ownersOf(tokens.owners, tokens.match(token));
    if (!owners.global && owners.secrets.length === 0) return { ok: false, reason: 'bad_token', detail: 'X-Gitlab-Token does not match any configured secret' };
    return { ok: true, owners };
  };

  return {
    signingRequired,
    checkToken: (headers) => checkTokenValue(getHeader(headers, GITLAB_HEADERS.token)),
    checkTokenValue,
    checkSignature: (headers, body) => {
      if (body.byteLength > options.maxBodyBytes) {
        return { ok: false, reason: 'too_large', detail: `body is ${body.byteLength} bytes; the limit is ${options.maxBodyBytes}` };
      }
      const { signing } = current();
      const signed = getHeader(headers, GITLAB_HEADERS.webhookSignature) !== undefined;
      if (signing === undefined || (!signingRequired && !signed)) return { ok: true, owners: undefined };
      const result = signing.match({ headers, body });
      if (result.ok) return { ok: true, owners: ownersOf(signing.owners, result.matched) };
      // Signed by no key held here while none is required: as if unsigned; a project that needs its own signature is refused later.
      if (!signingRequired && result.reason === 'bad_signature') return { ok: true, owners: undefined };
      return result;
    },
  };
}

/** The signed message's id and timestamp (seconds), once the signature was verified. */
export function signedMessageId(headers: Headers): { readonly id: string; readonly timestampSeconds: number } | undefined {
  const id = getHeader(headers, GITLAB_HEADERS.webhookId);
  const timestamp = Number(getHeader(headers, GITLAB_HEADERS.webhookTimestamp));
  return id && Number.isFinite(timestamp) ? { id, timestampSeconds: timestamp } : undefined;
}

/** Context variable set by the token step and completed by the signature step. */
export interface CredentialVariables {
  credentials: Credentials | undefined;
}
