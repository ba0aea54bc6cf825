import { duration, filePath, integer, list, parseConfig, readSecretFile, string, url, type Env } from '@sluice/config';
import { DEFAULT_NAMESPACE, DnsLabelSchema } from '@sluice/delivery';
import { serviceEnv } from '@sluice/service';
import * as z from 'zod';
import type { GrafanaOptions } from './pages/links.js';
import { DEFAULT_WEBHOOK_SECRETS_NAMESPACE } from './webhook-secrets.js';

/** The gateway's environment. */
export const gatewayEnv = z.object({
  ...serviceEnv({ defaultPort: 8080 }),
  /** Kubeconfig for running outside a cluster; in-cluster credentials otherwise. */
  KUBECONFIG: filePath().optional(),
  /** Files holding accepted `X-Gitlab-Token` values; several at once for rotation. */
  SLUICE_WEBHOOK_TOKEN_FILES: list(filePath()),
  /** Files holding GitLab webhook signing keys; signatures are verified only when set. */
  SLUICE_WEBHOOK_SIGNING_KEY_FILES: list(filePath()).optional(),
  /** Namespace holding Applications and Deliveries. */
  SLUICE_NAMESPACE: string()
    .pipe(DnsLabelSchema)
    .default(DEFAULT_NAMESPACE),
  /** Namespace of the per-Application webhook Secrets (`spec.webhook.secretName`; keys `token`, `signingKey`), watched by the gateway. */
  SLUICE_WEBHOOK_SECRETS_NAMESPACE: string()
    .pipe(DnsLabelSchema)
    .default(DEFAULT_WEBHOOK_SECRETS_NAMESPACE),
  /** Base URL people open run pages at; the 202 body links `<url>/deliveries/<name>`. Default `http://localhost:<port>`. */
  SLUICE_PUBLIC_URL: url().optional(),
  /** Largest webhook body read; reading stops there (GitLab push payloads list at most 20 commits). */
  SLUICE_WEBHOOK_MAX_BODY_BYTES: integer({ min: 1024, max: 25 * 1024 * 1024 }).default(2 * 1024 * 1024),
  /** Accepted `webhook-timestamp` skew either way, when signatures are verified. */
  SLUICE_WEBHOOK_TOLERANCE: duration({ unit: 's', min: 10, max: 3600 }).default(300),
  /** Grafana that run pages link each Delivery's trace to (Explore, Tempo data source); no link when unset. */
  SLUICE_GRAFANA_URL: url().optional(),
  /** UID of the Tempo data source in that Grafana. */
  SLUICE_GRAFANA_TEMPO_DATASOURCE: string()
    .pipe(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be a Grafana data source UID (letters, digits, ".", "_", "-")' }))
    .default('tempo'),
});

/** Parsed, frozen gateway configuration. */
export type GatewayConfig = ReturnType<typeof parseGatewayConfig>;

/** Parses the gateway's variables from `env`; throws `ConfigError` naming each bad one. */
export function parseGatewayConfig(env: Env) {
  return parseConfig(gatewayEnv, env);
}

/** The webhook secrets, read from their files. Never logged. */
export interface WebhookSecrets {
  readonly secretTokens: readonly string[];
  readonly signingTokens: readonly string[];
}

/**
 * Reads every configured secret file once at start-up, so a Secret that is
 * not mounted (or empty) stops the rollout instead of failing the first
 * webhook. Throws `ConfigError` naming the file, never its content.
 */
export async function readWebhookSecrets(config: GatewayConfig): Promise<WebhookSecrets> {
  const [secretTokens, signingTokens] = await Promise.all([
    Promise.all(config.SLUICE_WEBHOOK_TOKEN_FILES.map((file) => readSecretFile(file))),
    Promise.all((config.SLUICE_WEBHOOK_SIGNING_KEY_FILES ?? []).map((file) => readSecretFile(file))),
  ]);
  return { secretTokens, signingTokens };
}

/** The run-page base URL: `SLUICE_PUBLIC_URL` without a trailing slash, else this process on localhost. */
export function publicBaseUrl(config: GatewayConfig): string {
  return (config.SLUICE_PUBLIC_URL ?? `http://localhost:${config.SLUICE_PORT}`).replace(/\/+$/, '');
}

/** Where run pages link traces to, or `undefined` when `SLUICE_GRAFANA_URL` is not set. */
export function grafanaOptions(config: GatewayConfig): GrafanaOptions | undefined {
  if (config.SLUICE_GRAFANA_URL === undefined) return undefined;
  return { url: config.SLUICE_GRAFANA_URL.replace(/\/+$/, ''), tempoDatasource: config.SLUICE_GRAFANA_TEMPO_DATASOURCE };
}
