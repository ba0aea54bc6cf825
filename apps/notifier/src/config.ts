import { DEFAULT_NAMESPACE, DnsLabelSchema } from '@sluice/delivery';
import { duration, filePath, integer, parseConfig, readSecretFile, string, url, type Env } from '@sluice/config';
import { leaderEnv } from '@sluice/kube';
import { serviceEnv } from '@sluice/service';
import * as z from 'zod';

/** The notifier's environment. */
export const notifierEnv = z.object({
  ...serviceEnv({ defaultPort: 8083 }),
  /** Leader election among the notifier's replicas (SLUICE_LEADER_*; see README). */
  ...leaderEnv(),
  /** Kubeconfig for running outside a cluster; in-cluster credentials otherwise. */
  KUBECONFIG: filePath().optional(),
  /** Base URL of the GitLab instance, e.g. `https://gitlab.example.com`. */
  SLUICE_GITLAB_URL: url(),
  /** File holding the GitLab API token (mounted from a Secret). */
  SLUICE_GITLAB_TOKEN_FILE: filePath(),
  /** PEM file of the CA that signed a self-managed GitLab's certificate. Default: the system CAs. */
  SLUICE_GITLAB_CA_FILE: filePath().optional(),
  /** Per-request timeout towards GitLab. Default 10 s. */
  SLUICE_GITLAB_TIMEOUT: duration({ unit: 'ms', min: 100, max: 300_000 }).default(10_000),
  /** GitLab requests in flight at once across all projects (each project is served one request at a time). Default 8. */
  SLUICE_GITLAB_CONCURRENCY: integer({ min: 1, max: 256 }).default(8),
  /** Longest pause between retries of a project after 429/5xx/timeouts (unless GitLab's Retry-After asks for more). Default 5 m. */
  SLUICE_GITLAB_MAX_BACKOFF: duration({ unit: 'ms', min: 100, max: 3_600_000 }).default(300_000),
  /** Namespace holding Deliveries. */
  SLUICE_NAMESPACE: string().pipe(DnsLabelSchema).default(DEFAULT_NAMESPACE),
  /** Commit status name prefix: `<prefix>/test`, `<prefix>/deploy:production`. */
  SLUICE_STATUS_PREFIX: string()
    .pipe(z.string().max(64).regex(/^[\w.-]+$/, { error: 'must be letters, digits, ".", "-" or "_"' }))
    .default('sluice'),
  /** Base URL of run pages; each status links `<url>/deliveries/<name>`. Default: no link. */
  SLUICE_PUBLIC_URL: url().optional(),
});

/** Parsed, frozen notifier configuration. */
export type NotifierConfig = ReturnType<typeof parseNotifierConfig>;

/** Parses the notifier's variables from `env`; throws `ConfigError` naming each bad one. */
export function parseNotifierConfig(env: Env) {
  return parseConfig(notifierEnv, env);
}

/**
 * Reads the GitLab token file once, so a Secret that is not mounted (or
 * empty) stops the rollout instead of failing the first status update.
 * Throws `ConfigError` naming the file. The token never leaves this value.
 */
export async function readGitlabToken(config: NotifierConfig): Promise<string> {
  return readSecretFile(config.SLUICE_GITLAB_TOKEN_FILE);
}

/** Kept for callers that only check the Secret is mounted. */
export async function assertSecretsReadable(config: NotifierConfig): Promise<void> {
  await readGitlabToken(config);
}

/** The run-page base URL without a trailing slash, if configured. */
export function publicBaseUrl(config: NotifierConfig): string | undefined {
  return config.SLUICE_PUBLIC_URL?.replace(/\/+$/, '');
}
