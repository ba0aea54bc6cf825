import { filePath, parseConfig, readSecretFile, url, type Env } from '@sluice/config';
import { serviceEnv } from '@sluice/service';
import * as z from 'zod';

/** The notifier's environment. */
export const notifierEnv = z.object({
  ...serviceEnv({ defaultPort: 8083 }),
  /** Kubeconfig for running outside a cluster; in-cluster credentials otherwise. */
  KUBECONFIG: filePath().optional(),
  /** Base URL of the GitLab instance, e.g. `https://gitlab.example.com`. */
  SLUICE_GITLAB_URL: url(),
  /** File holding the GitLab API token (mounted from a Secret). */
  SLUICE_GITLAB_TOKEN_FILE: filePath(),
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
 * Throws `ConfigError` naming the file.
 */
export async function assertSecretsReadable(config: NotifierConfig): Promise<void> {
  await readSecretFile(config.SLUICE_GITLAB_TOKEN_FILE);
}
