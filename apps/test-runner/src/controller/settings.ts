/** Build step settings. */
export interface BuildSettings {
  /** `buildkit`: rootless BuildKit pushes the image; `archive`: the local build uploads a tarball of the build context. */
  readonly mode: 'buildkit' | 'archive';
  /** The image every build Job runs (cluster configuration, never an Application's choice). */
  readonly builderImage: string;
  /**
   * The shared registry credentials Secret in the build namespace, mounted read-only into the build step of
   * Applications that name no `spec.build.pushSecretName` of their own (migration: it can push every repository).
   */
  readonly registryCredentialsSecret: string;
  /** Registries (`host:port`) the builder reaches over plain HTTP (a cluster-local one); every other one over HTTPS. */
  readonly plainHttpRegistries: readonly string[];
  /** Base URL of the artifact registry (archive mode). */
  readonly artifactRegistryUrl?: string;
}

/** Everything the controller needs to know, as plain data (see `runnerSettingsFromConfig`). */
export interface RunnerSettings {
  /** Namespace of Applications and Deliveries. */
  readonly namespace: string;
  /** Namespace the test Jobs run in (Pod Security `restricted`). */
  readonly testNamespace: string;
  /** Namespace the build Jobs run in (`baseline`: rootless BuildKit needs user namespaces; see deploy/PERMISSIONS.md). */
  readonly buildNamespace: string;
  /** Deliveries with a Job running at once. */
  readonly maxConcurrentJobs: number;
  /** Deliveries of one project with a Job running at once (≤ `maxConcurrentJobs`); free slots go round-robin across projects. */
  readonly maxConcurrentJobsPerProject: number;
  readonly gitCredentialsSecret: string;
  /** The Git host (`scheme://host[:port]`, `SLUICE_GIT_URL`) the clone step gives those credentials to, and no other; unset: never mounted, never sent. */
  readonly gitUrl?: string;
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

/** The namespace the Jobs of `kind` run in. */
export function jobNamespace(settings: Pick<RunnerSettings, 'testNamespace' | 'buildNamespace'>, kind: 'test' | 'build'): string {
  return kind === 'build' ? settings.buildNamespace : settings.testNamespace;
}
