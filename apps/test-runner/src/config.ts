import { filePath, parseConfig, type Env } from '@sluice/config';
import { serviceEnv } from '@sluice/service';
import * as z from 'zod';

/** The test-runner's environment. */
export const testRunnerEnv = z.object({
  ...serviceEnv({ defaultPort: 8081 }),
  /** Kubeconfig for running outside a cluster; in-cluster credentials otherwise. */
  KUBECONFIG: filePath().optional(),
});

/** Parsed, frozen test-runner configuration. */
export type TestRunnerConfig = ReturnType<typeof parseTestRunnerConfig>;

/** Parses the test-runner's variables from `env`; throws `ConfigError` naming each bad one. */
export function parseTestRunnerConfig(env: Env) {
  return parseConfig(testRunnerEnv, env);
}
