import { duration, filePath, integer, list, oneOf, parseConfig, string, url, type Env } from '@sluice/config';
import { leaderEnv } from '@sluice/kube';
import { serviceEnv } from '@sluice/service';
import { DEFAULT_BUILD_NAMESPACE, DEFAULT_NAMESPACE, DEFAULT_TEST_NAMESPACE } from '@sluice/delivery';
import * as z from 'zod';
import type { RunnerSettings } from './controller/settings.js';
import { TestRunnerError } from './errors.js';

/** The test-runner's environment. Every variable is optional; see README's configuration reference. */
export const testRunnerEnv = z.object({
  ...serviceEnv({ defaultPort: 8081 }),
  /** Leader election among the test-runner's replicas (SLUICE_LEADER_*; see README). */
  ...leaderEnv(),
  /** Kubeconfig for running outside a cluster; in-cluster credentials otherwise. */
  KUBECONFIG: filePath().optional(),
  /** Namespace of Applications and Deliveries. */
  SLUICE_NAMESPACE: string().default(DEFAULT_NAMESPACE),
  /** Namespace the test Jobs run in. */
  SLUICE_TEST_NAMESPACE: string().default(DEFAULT_TEST_NAMESPACE),
  /** Namespace the build Jobs run in. */
  SLUICE_BUILD_NAMESPACE: string().default(DEFAULT_BUILD_NAMESPACE),
  /** Deliveries with a Job running at once; the rest wait, free slots going round-robin across projects. */
  SLUICE_MAX_CONCURRENT_JOBS: integer({ min: 1, max: 1000 }).default(5),
  /** Deliveries of one project with a Job running at once (at most SLUICE_MAX_CONCURRENT_JOBS), so one busy project cannot take every slot. Default: 2 (or SLUICE_MAX_CONCURRENT_JOBS when lower). */
  SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT: integer({ min: 1, max: 1000 }).optional(),
  /** Secret (keys `username`, `password`) in the test namespace mounted into the clone step. */
  SLUICE_GIT_CREDENTIALS_SECRET: string().default('sluice-git-credentials'),
  /** The GitLab base URL (`https://gitlab.example.com`: scheme, host, port only): the one host the clone step gives the Git credentials to. Unset: no credential is mounted or sent (public repositories only). */
  SLUICE_GIT_URL: url().optional(),
  /** Image with git and /bin/sh for the clone step. */
  SLUICE_CLONE_IMAGE: string().default('alpine/git:v2.49.1'),
  /** How long a Job whose pod is refused by a ResourceQuota waits for room before the stage fails with QuotaExceeded. */
  SLUICE_QUOTA_WAIT: duration({ unit: 'ms', min: 0, max: 86_400_000 }).default(600_000),
  /** How long a pod may stay unschedulable or unable to pull its image before the stage fails. */
  SLUICE_POD_PENDING_GRACE: duration({ unit: 'ms', min: 0, max: 86_400_000 }).default(120_000),
  /** Retries of a failed clone (network flakes); failing installs and tests are never retried. */
  SLUICE_JOB_BACKOFF_LIMIT: integer({ min: 0, max: 10 }).default(2),
  /** How long finished Jobs (and their pods and logs) are kept. */
  SLUICE_JOB_TTL: duration({ unit: 's', min: 0, max: 604_800 }).default(3600),
  /** Lines of a failed step's log kept in the Delivery (also capped at 4096 characters). */
  SLUICE_LOG_TAIL_LINES: integer({ min: 1, max: 1000 }).default(50),
  /** `buildkit`: rootless BuildKit pushes `<repository>:<sha>` and reports its digest; `archive`: the node-agent lane's stand-in (a tarball of the build context uploaded to SLUICE_ARTIFACT_REGISTRY_URL). */
  SLUICE_BUILD_MODE: oneOf(['buildkit', 'archive']).default('buildkit'),
  /** The image every build Job runs: cluster configuration, never an Application's choice. Default: BuildKit's rootless image (archive: alpine). */
  SLUICE_BUILDER_IMAGE: string().optional(),
  /** Shared Secret in the build namespace with registry credentials (buildkit: `.dockerconfigjson`; archive: `username`, `password`), used only by Applications without `spec.build.pushSecretName` (migration: it pushes every repository; give each Application its own). */
  SLUICE_REGISTRY_CREDENTIALS_SECRET: string().default('sluice-registry-credentials'),
  /** Comma-separated registries (`host:port`) the builder reaches over plain HTTP, e.g. a cluster-local registry. */
  SLUICE_BUILD_PLAIN_HTTP_REGISTRIES: list().default([]),
  /** Base URL the archive build uploads to (`<url>/<repository>/<sha>.tar.gz`). Required when SLUICE_BUILD_MODE=archive. */
  SLUICE_ARTIFACT_REGISTRY_URL: url().optional(),
});

/** Parsed, frozen test-runner configuration. */
export type TestRunnerConfig = ReturnType<typeof parseTestRunnerConfig>;

/** Parses the test-runner's variables from `env`; throws `ConfigError` naming each bad one. */
export function parseTestRunnerConfig(env: Env) {
  return parseConfig(testRunnerEnv, env);
}

/** A project's share of the Job slots when SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT is unset. */
const DEFAULT_MAX_JOBS_PER_PROJECT = 2;

// BuildKit's rootless image has what the build Job runs: buildctl-daemonless.sh, rootlesskit, newuidmap, user 1000.
const DEFAULT_BUILDER_IMAGE = { buildkit: 'moby/buildkit:v0.35.0-rootless', archive: 'alpine:3.22' } as const;

/** The controller's plain-data settings from the parsed configuration; throws `InvalidConfig` when the build mode lacks what it needs or the limits contradict. */
export function runnerSettingsFromConfig(config: TestRunnerConfig): RunnerSettings {
  const perProject = config.SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT;
  if (perProject !== undefined && perProject > config.SLUICE_MAX_CONCURRENT_JOBS) {
    throw new TestRunnerError(
      'InvalidConfig',
      `SLUICE_MAX_CONCURRENT_JOBS_PER_PROJECT (${perProject}) must not exceed SLUICE_MAX_CONCURRENT_JOBS (${config.SLUICE_MAX_CONCURRENT_JOBS})`,
    );
  }
  const gitUrl = config.SLUICE_GIT_URL === undefined ? undefined : new URL(config.SLUICE_GIT_URL);
  if (gitUrl !== undefined && (gitUrl.pathname !== '/' || gitUrl.search !== '' || gitUrl.hash !== '' || gitUrl.username !== '' || gitUrl.password !== '')) {
    throw new TestRunnerError('InvalidConfig', `SLUICE_GIT_URL must be the Git host's base URL alone (e.g. ${gitUrl.origin}): no path, query, fragment or credentials`);
  }
  if (config.SLUICE_BUILD_MODE === 'archive' && config.SLUICE_ARTIFACT_REGISTRY_URL === undefined) {
    throw new TestRunnerError('InvalidConfig', 'SLUICE_BUILD_MODE=archive needs SLUICE_ARTIFACT_REGISTRY_URL, the base URL the build uploads to');
  }
  return {
    namespace: config.SLUICE_NAMESPACE,
    testNamespace: config.SLUICE_TEST_NAMESPACE,
    buildNamespace: config.SLUICE_BUILD_NAMESPACE,
    maxConcurrentJobs: config.SLUICE_MAX_CONCURRENT_JOBS,
    maxConcurrentJobsPerProject: perProject ?? Math.min(DEFAULT_MAX_JOBS_PER_PROJECT, config.SLUICE_MAX_CONCURRENT_JOBS),
    gitCredentialsSecret: config.SLUICE_GIT_CREDENTIALS_SECRET,
    ...(gitUrl !== undefined && { gitUrl: gitUrl.origin }),
    cloneImage: config.SLUICE_CLONE_IMAGE,
    quotaWaitMs: config.SLUICE_QUOTA_WAIT,
    podPendingGraceMs: config.SLUICE_POD_PENDING_GRACE,
    backoffLimit: config.SLUICE_JOB_BACKOFF_LIMIT,
    jobTtlSeconds: config.SLUICE_JOB_TTL,
    logTailLines: config.SLUICE_LOG_TAIL_LINES,
    build: {
      mode: config.SLUICE_BUILD_MODE,
      builderImage: config.SLUICE_BUILDER_IMAGE ?? DEFAULT_BUILDER_IMAGE[config.SLUICE_BUILD_MODE],
      registryCredentialsSecret: config.SLUICE_REGISTRY_CREDENTIALS_SECRET,
      plainHttpRegistries: config.SLUICE_BUILD_PLAIN_HTTP_REGISTRIES,
      ...(config.SLUICE_ARTIFACT_REGISTRY_URL !== undefined && { artifactRegistryUrl: config.SLUICE_ARTIFACT_REGISTRY_URL.replace(/\/$/, '') }),
    },
  };
}
