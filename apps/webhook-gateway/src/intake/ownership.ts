import type { Application } from '@sluice/delivery';
import type { Credentials } from '../webhook/auth.js';
import type { ProjectWebhookSecret } from '../webhook-secrets.js';

/** Whether a webhook's credentials may speak for its project. */
export type OwnershipVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'foreign_secret' | 'bad_signature'; readonly detail: string };

/** What {@link checkOwnership} decides from. */
export interface OwnershipInput {
  /** The project's Application; `undefined` when none (only a branch or tag deletion gets here without one). */
  readonly application: Application | undefined;
  /** Whose token (and signature) authenticated the request. */
  readonly credentials: Credentials;
  /** Whether global signing keys are configured: then a project without its own Secret must be signed by one. */
  readonly globalSigning: boolean;
  /** A per-Application webhook Secret by name; `undefined` when it does not exist or holds neither key. */
  readonly secret: (name: string) => ProjectWebhookSecret | undefined;
  /** The webhook-secrets namespace, for the detail. */
  readonly secretsNamespace: string;
}

const OK: OwnershipVerdict = { ok: true };

/**
 * Decides, once the payload named the project and its Application is known,
 * whether the secret that authenticated the webhook is that project's. Pure.
 *
 * - The Application names its own Secret (`spec.webhook.secretName`): only
 *   that Secret verifies its webhooks. When it holds `token`, the request's
 *   `X-Gitlab-Token` must be it; when it holds `signingKey`, the request must
 *   be signed with it (unsigned → `bad_signature`). A global secret, or
 *   another Application's, no longer does → `foreign_secret`. A Secret that
 *   does not exist or holds neither key refuses everything (never a fallback
 *   to the globals).
 * - It names none (migration), or there is none: the global token must have
 *   matched, and when global signing keys are configured, a global key must
 *   have signed it; another project's secret → `foreign_secret`.
 */
export function checkOwnership(input: OwnershipInput): OwnershipVerdict {
  const { application, credentials } = input;
  const secretName = application?.spec.webhook?.secretName;
  if (secretName === undefined) {
    const what = application === undefined ? 'this project (no Application)' : `Application ${application.metadata.name}, which names no webhook Secret,`;
    if (!credentials.token.global) return foreign(`the X-Gitlab-Token is another project's; ${what} accepts only the gateway's global token`);
    if (input.globalSigning && credentials.signature?.global !== true) {
      return foreign(`the signature is another project's; ${what} accepts only the gateway's global signing keys`);
    }
    return OK;
  }
  const own = input.secret(secretName);
  const where = `Secret ${secretName} in namespace ${input.secretsNamespace}`;
  if (own === undefined) {
    return foreign(`Application ${application?.metadata.name} names ${where}, which does not exist or holds neither "token" nor "signingKey": its webhooks are refused until it does`);
  }
  if (own.token !== undefined && !credentials.token.secrets.includes(secretName)) {
    return foreign(`the X-Gitlab-Token is not the one in ${where}, the only one that verifies this project's webhooks`);
  }
  if (own.signingKey !== undefined) {
    if (credentials.signature === undefined) {
      return { ok: false, reason: 'bad_signature', detail: `this project's webhooks must be signed with the signingKey in ${where}` };
    }
    if (!credentials.signature.secrets.includes(secretName)) {
      return foreign(`the signature is not by the signingKey in ${where}, the only one that verifies this project's webhooks`);
    }
  }
  return OK;
}

function foreign(detail: string): OwnershipVerdict {
  return { ok: false, reason: 'foreign_secret', detail };
}
