import { boolean, duration, filePath, integer, list, parseConfig, string, type Env } from '@sluice/config';
import { leaderEnv } from '@sluice/kube';
import { serviceEnv } from '@sluice/service';
import { DEFAULT_NAMESPACE } from '@sluice/delivery';
import { hostname } from 'node:os';
import * as z from 'zod';
import type { DeployerSettings } from './controller/settings.js';

/** The deployer's environment. Every variable is optional; see README's configuration reference. */
export const deployerEnv = z.object({
  ...serviceEnv({ defaultPort: 8082 }),
  /** Leader election among the deployer's replicas (SLUICE_LEADER_*; see README). */
  ...leaderEnv(),
  /** Kubeconfig for running outside a cluster; in-cluster credentials otherwise. */
  KUBECONFIG: filePath().optional(),
  /** Namespace of Applications, Deliveries and the per-environment Leases. */
  SLUICE_NAMESPACE: string().default(DEFAULT_NAMESPACE),
  /** Namespaces holding the blue/green targets; unset: every namespace (label-selected, needs cluster-wide list/watch). */
  SLUICE_TARGET_NAMESPACES: list().optional(),
  /** Holder identity written to the Leases. Default: the host (pod) name, so a restarted pod resumes its own rollouts at once. */
  SLUICE_DEPLOYER_IDENTITY: string().optional(),
  /** How long a Lease stays valid without renewal. */
  SLUICE_LEASE_DURATION: duration({ unit: 'ms', min: 3_000, max: 600_000 }).default(15_000),
  /** `minReadySeconds` of the rendered Deployments: a pod counts as available after being ready this long. */
  SLUICE_MIN_READY_SECONDS: integer({ min: 0, max: 600 }).default(10),
  /** How long a color that failed (rollout or bake) keeps running for inspection before it is scaled to 0. */
  SLUICE_FAILED_SCALE_DOWN_DELAY: duration({ unit: 'ms', min: 0, max: 86_400_000 }).default(600_000),
  /** Request the Application's `prePromotionPath` on every new pod before switching traffic. */
  SLUICE_PRE_PROMOTION_CHECK: boolean().default(true),
  /** Rollouts (environments) handled at once; one environment is always handled serially. */
  SLUICE_MAX_CONCURRENT_ROLLOUTS: integer({ min: 1, max: 100 }).default(4),
});

/** Parsed, frozen deployer configuration. */
export type DeployerConfig = ReturnType<typeof parseDeployerConfig>;

/** Parses the deployer's variables from `env`; throws `ConfigError` naming each bad one. */
export function parseDeployerConfig(env: Env) {
  return parseConfig(deployerEnv, env);
}

/** The controller's plain-data settings from the parsed configuration. */
export function settingsFromConfig(config: DeployerConfig): DeployerSettings {
  return {
    namespace: config.SLUICE_NAMESPACE,
    targetNamespaces: config.SLUICE_TARGET_NAMESPACES ? [...config.SLUICE_TARGET_NAMESPACES] : undefined,
    identity: config.SLUICE_DEPLOYER_IDENTITY ?? hostname(),
    leaseDurationMs: config.SLUICE_LEASE_DURATION,
    minReadySeconds: config.SLUICE_MIN_READY_SECONDS,
    failedScaleDownDelayMs: config.SLUICE_FAILED_SCALE_DOWN_DELAY,
    prePromotionCheck: config.SLUICE_PRE_PROMOTION_CHECK,
    workers: config.SLUICE_MAX_CONCURRENT_ROLLOUTS,
  };
}
