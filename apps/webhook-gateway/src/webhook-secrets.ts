import { signingTokenProblem } from '@sluice/gitlab';
import { resourcePath, type Informer, type KubeClient, type KubeObject } from '@sluice/kube';
import type { Logger } from '@sluice/service';

/** Default of `SLUICE_WEBHOOK_SECRETS_NAMESPACE`: where each Application's own webhook Secret lives. */
export const DEFAULT_WEBHOOK_SECRETS_NAMESPACE = 'sluice-webhooks';

/** The keys of a per-Application webhook Secret. */
export const WEBHOOK_SECRET_KEYS = { token: 'token', signingKey: 'signingKey' } as const;

/** One Application's webhook secrets, as read from its Secret (only usable keys are kept). Never logged. */
export interface ProjectWebhookSecret {
  /** `X-Gitlab-Token` value. */
  readonly token?: string;
  /** Standard Webhooks signing token, `whsec_…`. */
  readonly signingKey?: string;
}

/** The per-Application webhook Secrets, by Secret name, with a version that changes on every change. */
export interface WebhookSecretSource {
  /** Bumped on every change, so derived matchers are rebuilt only when needed. */
  version(): number;
  /** Every known Secret that holds at least one usable key. */
  entries(): ReadonlyMap<string, ProjectWebhookSecret>;
  /** The Secret `name`, or `undefined` when it does not exist or holds neither key. */
  get(name: string): ProjectWebhookSecret | undefined;
}

/** In-memory per-Application webhook Secrets; {@link watchWebhookSecrets} keeps it current, tests call `set`/`remove`. */
export class WebhookSecretStore implements WebhookSecretSource {
  private readonly byName = new Map<string, ProjectWebhookSecret>();
  private changes = 0;

  version(): number {
    return this.changes;
  }

  entries(): ReadonlyMap<string, ProjectWebhookSecret> {
    return this.byName;
  }

  get(name: string): ProjectWebhookSecret | undefined {
    return this.byName.get(name);
  }

  /** Adds or replaces a Secret's keys; one with neither key is forgotten. */
  set(name: string, secret: ProjectWebhookSecret): void {
    if (secret.token === undefined && secret.signingKey === undefined) return this.remove(name);
    this.byName.set(name, secret);
    this.changes += 1;
  }

  remove(name: string): void {
    if (this.byName.delete(name)) this.changes += 1;
  }
}

/** What a Secret object's keys amount to: the usable ones, and why a present one is not (never its value). */
export function readWebhookSecret(object: KubeObject): { readonly secret: ProjectWebhookSecret; readonly problems: readonly string[] } {
  const data = (object as { data?: Record<string, unknown> }).data ?? {};
  const decoded = (key: string): string | undefined => {
    const value = data[key];
    if (typeof value !== 'string') return undefined;
    const text = Buffer.from(value, 'base64').toString('utf8').replace(/[\r\n]+$/, '');
    return text.length > 0 ? text : undefined;
  };
  const problems: string[] = [];
  const token = decoded(WEBHOOK_SECRET_KEYS.token);
  let signingKey = decoded(WEBHOOK_SECRET_KEYS.signingKey);
  const problem = signingKey === undefined ? undefined : signingTokenProblem(signingKey);
  if (problem !== undefined) {
    problems.push(`${WEBHOOK_SECRET_KEYS.signingKey}: ${problem}`);
    signingKey = undefined;
  }
  if (token === undefined && signingKey === undefined && problems.length === 0) problems.push('holds neither "token" nor "signingKey"');
  return { secret: { ...(token !== undefined && { token }), ...(signingKey !== undefined && { signingKey }) }, problems };
}

/**
 * Keeps `store` in step with the Secrets of `namespace` (the webhook-secrets
 * namespace) through an informer: list, then watch. A Secret whose
 * `signingKey` is not `whsec_…` keeps only its token, and is logged (by name).
 */
export function watchWebhookSecrets(client: KubeClient, namespace: string, store: WebhookSecretStore, logger: Logger): Informer<KubeObject> {
  return client.informer<KubeObject>({
    path: resourcePath({ apiVersion: 'v1', plural: 'secrets', namespace }),
    onEvent: (event) => {
      if (event.type === 'RESYNC') return;
      const name = event.object.metadata.name ?? '';
      if (event.type === 'DELETED') return store.remove(name);
      const { secret, problems } = readWebhookSecret(event.object);
      if (problems.length > 0) logger.warn({ secret: name, namespace, problems }, 'webhook Secret is not fully usable');
      store.set(name, secret);
    },
    onError: (error) => logger.warn({ err: error, code: error.code, resource: 'secrets' }, 'webhook Secret watch interrupted; retrying'),
  });
}
