import { filePath, list, parseConfig, readSecretFile, type Env } from '@sluice/config';
import { serviceEnv } from '@sluice/service';
import * as z from 'zod';

/** The gateway's environment. */
export const gatewayEnv = z.object({
  ...serviceEnv({ defaultPort: 8080 }),
  /** Kubeconfig for running outside a cluster; in-cluster credentials otherwise. */
  KUBECONFIG: filePath().optional(),
  /** Files holding accepted `X-Gitlab-Token` values; several at once for rotation. */
  SLUICE_WEBHOOK_TOKEN_FILES: list(filePath()),
  /** Files holding GitLab webhook signing keys; signatures are verified only when set. */
  SLUICE_WEBHOOK_SIGNING_KEY_FILES: list(filePath()).optional(),
});

/** Parsed, frozen gateway configuration. */
export type GatewayConfig = ReturnType<typeof parseGatewayConfig>;

/** Parses the gateway's variables from `env`; throws `ConfigError` naming each bad one. */
export function parseGatewayConfig(env: Env) {
  return parseConfig(gatewayEnv, env);
}

/**
 * Reads every configured secret file once, so a Secret that is not mounted
 * (or empty) stops the rollout instead of failing the first webhook.
 * Throws `ConfigError` naming the file.
 */
export async function assertSecretsReadable(config: GatewayConfig): Promise<void> {
  const files = [...config.SLUICE_WEBHOOK_TOKEN_FILES, ...(config.SLUICE_WEBHOOK_SIGNING_KEY_FILES ?? [])];
  await Promise.all(files.map((file) => readSecretFile(file)));
}
