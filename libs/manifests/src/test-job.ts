import type { V1Container, V1EnvVar, V1Job } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import { CHECKOUT_JOB_DEFAULTS, assertCheckoutJob, checkoutJob, stepContainer } from './job-parts.js';
import { JUNIT_AWK, TEST_WRAPPER_SCRIPT } from './junit-scripts.js';
import type { ComputeResources } from './resources.js';
import { STEP_SCRIPT, TEST_JOB_CONTAINERS as C, WORKDIR } from './test-job-scripts.js';
import { MANAGED_BY, assertImage, mergeLabels, withDefaults } from './validate.js';
import type { Wire } from './wire.js';
import type { JobBuilder } from './workload.js';

export interface TestJobProps {
  /** Job name; a DNS-1123 label because the Job controller copies it into a pod label. */
  readonly name: string;
  /** The test namespace. */
  readonly namespace: string;
  /** Labels linking the Job to its Delivery; copied onto the pod. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Image the install and test commands run in; must provide `/bin/sh`. */
  readonly image: string;
  /** Commands run before the tests, e.g. `npm ci`. None means no `install` container. @default [] */
  readonly installCommands?: readonly string[];
  /** Commands that are the tests, e.g. `npm test`; at least one. */
  readonly testCommands: readonly string[];
  /**
   * JUnit XML report the tests write, relative to the checkout. When given,
   * the `test` step appends its summary (`junit total=N failed=N skipped=N`,
   * then `junit-failure <name>` lines) to its termination message, passed or
   * not. @default none
   */
  readonly junitReportPath?: string;
  /** http(s) clone URL without credentials. */
  readonly repositoryUrl: string;
  /** The exact commit to test: 40 lowercase hex characters. */
  readonly sha: string;
  /** The full ref `sha` must be on (`fetchRefOf` in `@sluice/delivery`); not on it: `clone` exits `REF_MISMATCH_EXIT_CODE` and the Job fails at once. */
  readonly fetchRef: string;
  /** Secret with keys `username` and `password` (e.g. type `kubernetes.io/basic-auth`), mounted read-only into `clone` only, when `gitCredentialsUrl` is given. */
  readonly gitCredentialsSecret: string;
  /** The Git host (`scheme://host[:port]`) git gives the credentials to, and to no other. @default none: the Secret is not mounted, nothing is sent */
  readonly gitCredentialsUrl?: string;
  /** Image with `git` and `/bin/sh` for the clone step. */
  readonly cloneImage: string;
  /** Requests and limits of the install and test containers. @default requests 500m/1Gi, limits 2/2Gi */
  readonly resources?: ComputeResources;
  /** Requests and limits of the clone container. @default requests 100m/128Mi, limits 1/512Mi */
  readonly cloneResources?: ComputeResources;
  /** Whole-Job wall clock limit; reaching it is `TestTimeout`. @default 1800 */
  readonly activeDeadlineSeconds?: number;
  /** How long a finished Job (and its pods, logs) stays for the runner to read. @default 3600 */
  readonly ttlSecondsAfterFinished?: number;
  /** Retries for failures that are neither install/test failures nor disruptions (i.e. clone). @default 2 */
  readonly backoffLimit?: number;
  /** Non-root UID (and GID, fsGroup) of every container. @default 10001 */
  readonly runAsUser?: number;
  /** Size cap of the shared workspace volume. @default '4Gi' */
  readonly workspaceSizeLimit?: string;
}

const DEFAULTS = {
  ...CHECKOUT_JOB_DEFAULTS,
  installCommands: [],
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
} as const;

function assertCommands(builder: string, field: string, commands: readonly string[], required: boolean): void {
  if (required && commands.length === 0) {
    throw new ManifestError('InvalidCommand', builder, `${field} is empty; give at least one command, e.g. ["npm test"]`);
  }
  commands.forEach((command, i) => {
    if (command.trim() === '') throw new ManifestError('InvalidCommand', builder, `${field}[${i}] is blank; remove it or give a command`);
  });
}

/**
 * The hardened Job that tests one commit, as a builder to extend before
 * `build()`: `clone` (init) → `install` (init, optional) → `test`. See
 * {@link TEST_JOB_CONTAINERS} for how the runner tells the steps apart. Pods
 * get no API token, run non-root with a read-only root filesystem, drop
 * every capability and have requests and limits; only `clone` sees the Git
 * credentials, as read-only files.
 *
 * Install or test failures fail the Job at once (rerunning a red test
 * suite wastes the quota); pods evicted or preempted (`DisruptionTarget`)
 * are retried without counting against `backoffLimit`.
 */
export function testJobBuilder(props: TestJobProps): JobBuilder {
  const builder = 'testJob';
  const p = withDefaults(props, DEFAULTS);
  assertCheckoutJob(builder, p);
  assertImage(builder, 'image', p.image);
  assertCommands(builder, 'installCommands', p.installCommands, false);
  assertCommands(builder, 'testCommands', p.testCommands, true);
  if (p.junitReportPath !== undefined && p.junitReportPath.trim() === '') {
    throw new ManifestError('InvalidCommand', builder, 'junitReportPath is blank; give the report path relative to the checkout, or leave it out');
  }

  const step = (name: string, commands: readonly string[], script = STEP_SCRIPT, env: V1EnvVar[] = []): V1Container =>
    // `sh -c SCRIPT NAME CMD...`: NAME becomes $0, the commands "$@" — data, not script text.
    stepContainer(builder, { name, image: p.image, command: ['/bin/sh', '-c', script, name, ...commands], resources: p.resources, env: [{ name: 'CI', value: 'true' }, ...env], workingDir: WORKDIR });
  const hasInstall = p.installCommands.length > 0;
  const labels = mergeLabels(builder, p.labels, { ...MANAGED_BY, 'app.kubernetes.io/component': 'test', 'app.kubernetes.io/part-of': 'sluice' });
  const job = checkoutJob(builder, { ...p, labels }, [...(hasInstall ? [C.install] : []), C.test]);
  if (hasInstall) job.pod.addInitContainer(step(C.install, p.installCommands));
  const junit: V1EnvVar[] =
    p.junitReportPath === undefined
      ? []
      : [
          { name: 'SLUICE_STEP_SCRIPT', value: STEP_SCRIPT },
          { name: 'SLUICE_JUNIT_AWK', value: JUNIT_AWK },
          { name: 'SLUICE_JUNIT_REPORT', value: p.junitReportPath },
        ];
  job.pod.addContainer(step(C.test, p.testCommands, p.junitReportPath === undefined ? STEP_SCRIPT : TEST_WRAPPER_SCRIPT, junit));
  return job;
}

/** The test Job of {@link testJobBuilder}, in wire form. */
export function testJob(props: TestJobProps): Wire<V1Job> {
  return testJobBuilder(props).build();
}
