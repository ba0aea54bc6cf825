import { filePath, parseConfig, type Env } from '@sluice/config';
import { serviceEnv } from '@sluice/service';
import * as z from 'zod';

/** The deployer's environment. */
export const deployerEnv = z.object({
  ...serviceEnv({ defaultPort: 8082 }),
  /** Kubeconfig for running outside a cluster; in-cluster credentials otherwise. */
  KUBECONFIG: filePath().optional(),
});

/** Parsed, frozen deployer configuration. */
export type DeployerConfig = ReturnType<typeof parseDeployerConfig>;

/** Parses the deployer's variables from `env`; throws `ConfigError` naming each bad one. */
export function parseDeployerConfig(env: Env) {
  return parseConfig(deployerEnv, env);
}
