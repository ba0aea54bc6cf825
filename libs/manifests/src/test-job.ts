import type { V1Container, V1Job, V1PodFailurePolicyRule, V1Volume } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import { DEFAULT_RUN_AS_USER, hardenedContainerSecurityContext, hardenedPodSecurityContext } from './pod-security.js';
import type { ComputeResources } from './resources.js';
import { checkedResources, parseQuantity } from './resources.js';
import {
  CLONE_SCRIPT,
  GIT_CREDENTIALS_DIR,
  REPO_URL_ENV,
  SHA_ENV,
  STEP_SCRIPT,
  TERMINATION_MESSAGE_PATH,
  TEST_JOB_CONTAINERS as C,
  WORKDIR,
} from './test-job-scripts.js';
import { MANAGED_BY, assertDnsLabel, assertDnsSubdomain, assertImage, assertInteger, mergeLabels, withDefaults } from './validate.js';

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
  /** http(s) clone URL without credentials. */
  readonly repositoryUrl: string;
  /** The exact commit to test: 40 lowercase hex characters. */
  readonly sha: string;
  /** Secret with keys `username` and `password` (e.g. type `kubernetes.io/basic-auth`), mounted read-only into `clone` only. */
  readonly gitCredentialsSecret: string;
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
  labels: {},
  installCommands: [],
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  cloneResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  activeDeadlineSeconds: 1800,
  ttlSecondsAfterFinished: 3600,
  backoffLimit: 2,
  runAsUser: DEFAULT_RUN_AS_USER,
  workspaceSizeLimit: '4Gi',
} as const;

const SHA = /^[0-9a-f]{40}$/;
const VOLUMES = { workspace: 'workspace', tmp: 'tmp', home: 'home', credentials: 'git-credentials' } as const;
const HOME = '/home/sluice';

function assertCommands(builder: string, field: string, commands: readonly string[], required: boolean): void {
  if (required && commands.length === 0) {
    throw new ManifestError('InvalidCommand', builder, `${field} is empty; give at least one command, e.g. ["npm test"]`);
  }
  commands.forEach((command, i) => {
    if (command.trim() === '') throw new ManifestError('InvalidCommand', builder, `${field}[${i}] is blank; remove it or give a command`);
  });
}

function assertRepositoryUrl(builder: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ManifestError('InvalidRepositoryUrl', builder, `repositoryUrl "${url}" is not a URL; use the project's http(s) clone URL`, { cause });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ManifestError('InvalidRepositoryUrl', builder, `repositoryUrl uses "${parsed.protocol}"; use the project's http(s) clone URL`);
  }
  if (parsed.username !== '' || parsed.password !== '') {
    // Never echo the URL here: it holds a credential.
    throw new ManifestError('InvalidRepositoryUrl', builder, 'repositoryUrl contains credentials; remove them and put them in the gitCredentialsSecret');
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new ManifestError('InvalidRepositoryUrl', builder, `repositoryUrl "${parsed.origin}${parsed.pathname}" has a query or fragment; remove it (tokens belong in the gitCredentialsSecret)`);
  }
}

function container(
  builder: string,
  name: string,
  image: string,
  command: string[],
  resources: ComputeResources,
  extra: Pick<V1Container, 'env' | 'volumeMounts' | 'workingDir'>,
): V1Container {
  return {
    command,
    env: [
      { name: 'HOME', value: HOME },
      { name: 'TMPDIR', value: '/tmp' },
      ...(extra.env ?? []),
    ],
    image,
    name,
    resources: checkedResources(builder, resources),
    securityContext: hardenedContainerSecurityContext(),
    terminationMessagePath: TERMINATION_MESSAGE_PATH,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [
      { mountPath: '/workspace', name: VOLUMES.workspace },
      { mountPath: '/tmp', name: VOLUMES.tmp },
      { mountPath: HOME, name: VOLUMES.home },
      ...(extra.volumeMounts ?? []),
    ],
    workingDir: extra.workingDir ?? '/workspace',
  };
}

/**
 * The hardened Job that tests one commit: `clone` (init) → `install` (init,
 * optional) → `test`. See {@link TEST_JOB_CONTAINERS} for how the runner
 * tells the steps apart. Pods get no API token, run non-root with a
 * read-only root filesystem, drop every capability and have requests and
 * limits; only `clone` sees the Git credentials, as read-only files.
 *
 * Install or test failures fail the Job at once (rerunning a red test
 * suite wastes the quota); pods evicted or preempted (`DisruptionTarget`)
 * are retried without counting against `backoffLimit`.
 */
export function testJob(props: TestJobProps): V1Job {
  const builder = 'testJob';
  const p = withDefaults(props, DEFAULTS);
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertDnsSubdomain(builder, 'gitCredentialsSecret', p.gitCredentialsSecret);
  assertImage(builder, 'image', p.image);
  assertImage(builder, 'cloneImage', p.cloneImage);
  if (!SHA.test(p.sha)) {
    throw new ManifestError('InvalidSha', builder, `sha "${p.sha}" is not a full commit SHA; pass the 40 lowercase hex characters of the commit (not a branch, tag or short SHA)`);
  }
  assertRepositoryUrl(builder, p.repositoryUrl);
  assertCommands(builder, 'installCommands', p.installCommands, false);
  assertCommands(builder, 'testCommands', p.testCommands, true);
  assertInteger(builder, 'activeDeadlineSeconds', p.activeDeadlineSeconds, 1);
  assertInteger(builder, 'ttlSecondsAfterFinished', p.ttlSecondsAfterFinished, 0);
  assertInteger(builder, 'backoffLimit', p.backoffLimit, 0, 10);
  // UID 0 would satisfy nothing: runAsNonRoot rejects it at pod start, so fail here with a clearer message.
  assertInteger(builder, 'runAsUser', p.runAsUser, 1, 2147483647);
  if (parseQuantity(p.workspaceSizeLimit) === undefined) {
    throw new ManifestError('InvalidQuantity', builder, `workspaceSizeLimit "${p.workspaceSizeLimit}" is not a quantity; use e.g. "4Gi"`);
  }

  const clone = container(builder, C.clone, p.cloneImage, ['/bin/sh', '-c', CLONE_SCRIPT], p.cloneResources, {
    env: [
      { name: 'GIT_TERMINAL_PROMPT', value: '0' },
      { name: REPO_URL_ENV, value: p.repositoryUrl },
      { name: SHA_ENV, value: p.sha },
    ],
    volumeMounts: [{ mountPath: GIT_CREDENTIALS_DIR, name: VOLUMES.credentials, readOnly: true }],
  });
  const step = (name: string, commands: readonly string[]): V1Container =>
    // `sh -c SCRIPT NAME CMD...`: NAME becomes $0, the commands "$@" — data, not script text.
    container(builder, name, p.image, ['/bin/sh', '-c', STEP_SCRIPT, name, ...commands], p.resources, {
      env: [{ name: 'CI', value: 'true' }],
      workingDir: WORKDIR,
    });
  const hasInstall = p.installCommands.length > 0;

  const failJobOn = (containerName: string): V1PodFailurePolicyRule => ({
    action: 'FailJob',
    onExitCodes: { containerName, operator: 'NotIn', values: [0] },
  });
  const volumes: V1Volume[] = [
    { emptyDir: { sizeLimit: p.workspaceSizeLimit }, name: VOLUMES.workspace },
    { emptyDir: { sizeLimit: '1Gi' }, name: VOLUMES.tmp },
    { emptyDir: { sizeLimit: '1Gi' }, name: VOLUMES.home },
    {
      name: VOLUMES.credentials,
      secret: {
        // 0440 + fsGroup: readable by the pod's group, by nobody else, writable by no one.
        defaultMode: 0o440,
        items: [
          { key: 'password', path: 'password' },
          { key: 'username', path: 'username' },
        ],
        secretName: p.gitCredentialsSecret,
      },
    },
  ];
  const labels = mergeLabels(builder, p.labels, { ...MANAGED_BY, 'app.kubernetes.io/component': 'test', 'app.kubernetes.io/part-of': 'sluice' });

  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { labels, name: p.name, namespace: p.namespace },
    spec: {
      activeDeadlineSeconds: p.activeDeadlineSeconds,
      backoffLimit: p.backoffLimit,
      completions: 1,
      parallelism: 1,
      podFailurePolicy: {
        // Order matters: the first matching rule wins, so a disrupted pod is retried even if its test container died with 137.
        rules: [
          { action: 'Ignore', onPodConditions: [{ status: 'True', type: 'DisruptionTarget' }] },
          ...(hasInstall ? [failJobOn(C.install)] : []),
          failJobOn(C.test),
        ],
      },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          containers: [step(C.test, p.testCommands)],
          enableServiceLinks: false,
          initContainers: [clone, ...(hasInstall ? [step(C.install, p.installCommands)] : [])],
          restartPolicy: 'Never',
          securityContext: hardenedPodSecurityContext(p.runAsUser),
          volumes,
        },
      },
      ttlSecondsAfterFinished: p.ttlSecondsAfterFinished,
    },
  };
}
