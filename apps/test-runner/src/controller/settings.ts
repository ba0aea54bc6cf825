/** Build step settings. */
export interface BuildSettings {
  /** `buildkit`: rootless BuildKit pushes the image; `archive`: the local build uploads a tarball of the build context. */
  readonly mode: 'buildkit' | 'archive';
  /** Default builder image; an Application's `sluice.dev/builder-image` annotation overrides it. */
  readonly builderImage: string;
  /** Secret in the test namespace holding the registry credentials, mounted read-only into the build step only. */
  readonly registryCredentialsSecret: string;
  /** Base URL of the artifact registry (archive mode). */
  readonly artifactRegistryUrl?: string;
}

/** Everything the controller needs to know, as plain data (see `runnerSettingsFromConfig`). */
export interface RunnerSettings {
  /** Namespace of Applications and Deliveries. */
  readonly namespace: string;
  /** Namespace the Jobs run in. */
  readonly testNamespace: string;
  /** Deliveries with a Job running at once. */
  readonly maxConcurrentJobs: number;
  readonly gitCredentialsSecret: string;
  readonly cloneImage: string;
  /** How long a quota-refused Job waits for room before `QuotaExceeded`. */
  readonly quotaWaitMs: number;
  /** How long a pod may stay unschedulable or failing to pull its image. */
  readonly podPendingGraceMs: number;
  /** Job `backoffLimit` (retries clone failures only). */
  readonly backoffLimit: number;
  readonly jobTtlSeconds: number;
  readonly logTailLines: number;
  readonly build: BuildSettings;
}
