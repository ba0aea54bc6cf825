/**
 * Parts the hardened Jobs (test and build) share: the checkout inputs'
 * checks, the pod settings, the scratch volumes, the `clone` init container
 * and the step container every other container starts from.
 */
import type { V1Container, V1EnvVar, V1PodFailurePolicyRule, V1Volume, V1VolumeMount } from '@kubernetes/client-node';
import { ManifestError } from './errors.js';
import { DEFAULT_RUN_AS_USER, hardenedContainerSecurityContext, hardenedPodSecurityContext } from './pod-security.js';
import type { ComputeResources } from './resources.js';
import { checkedResources, parseQuantity } from './resources.js';
import {
  CLONE_SCRIPT,
  GIT_HOST_ENV,
  FETCH_REF_ENV,
  GIT_CREDENTIALS_DIR,
  REF_MISMATCH_EXIT_CODE,
  REPO_URL_ENV,
  SHA_ENV,
  TERMINATION_MESSAGE_PATH,
  TEST_JOB_CONTAINERS,
} from './test-job-scripts.js';
import { assertDnsLabel, assertDnsSubdomain, assertImage, assertInteger } from './validate.js';
import { JobBuilder, type WorkloadMeta } from './workload.js';

const SHA = /^[0-9a-f]{40}$/;
const HOME = '/home/sluice';
/** Volume names of the hardened Jobs. */
export const JOB_VOLUMES = Object.freeze({ workspace: 'workspace', tmp: 'tmp', home: 'home', credentials: 'git-credentials' } as const);

/** Defaults the test and build Jobs share. */
export const CHECKOUT_JOB_DEFAULTS = {
  labels: {},
  cloneResources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  activeDeadlineSeconds: 1800,
  ttlSecondsAfterFinished: 3600,
  backoffLimit: 2,
  runAsUser: DEFAULT_RUN_AS_USER,
  workspaceSizeLimit: '4Gi',
} as const;

/** What every hardened Job needs to check out one commit and run. */
export interface CheckoutJobProps extends WorkloadMeta {
  /** http(s) clone URL without credentials. */
  readonly repositoryUrl: string;
  /** The exact commit: 40 lowercase hex characters. */
  readonly sha: string;
  /**
   * The full ref `sha` must be on (`refs/heads/…`, `refs/tags/…`,
   * `refs/merge-requests/<iid>/head`; see `fetchRefOf` in `@sluice/delivery`):
   * the clone step fetches its history and fails `RefMismatch` (exit
   * `REF_MISMATCH_EXIT_CODE`, never retried) when `sha` is not in it.
   */
  readonly fetchRef: string;
  /** Secret with keys `username` and `password`, mounted read-only into `clone` only (when `gitCredentialsUrl` is given). */
  readonly gitCredentialsSecret: string;
  /**
   * The Git host the credentials are for, `scheme://host[:port]` (e.g.
   * `https://gitlab.example.com`): git gives them to that origin only, so a
   * repository anywhere else is fetched without them. Absent: the Secret is
   * not mounted and no credential is ever sent.
   */
  readonly gitCredentialsUrl?: string;
  /** Image with `git` and `/bin/sh` for the clone step. */
  readonly cloneImage: string;
  /** Requests and limits of the clone container. */
  readonly cloneResources: ComputeResources;
  /** Whole-Job wall clock limit. */
  readonly activeDeadlineSeconds: number;
  /** How long a finished Job (and its pods, logs) stays for the runner to read. */
  readonly ttlSecondsAfterFinished: number;
  /** Retries for failures no `FailJob` rule covers (i.e. clone). */
  readonly backoffLimit: number;
  /** Non-root UID (and GID, fsGroup) of the pod. */
  readonly runAsUser: number;
  /** Size cap of the shared workspace volume. */
  readonly workspaceSizeLimit: string;
}

/** Checks the inputs every hardened Job shares; throws a `ManifestError` saying how to fix them. */
export function assertCheckoutJob(builder: string, p: CheckoutJobProps): void {
  assertDnsLabel(builder, 'name', p.name);
  assertDnsLabel(builder, 'namespace', p.namespace);
  assertDnsSubdomain(builder, 'gitCredentialsSecret', p.gitCredentialsSecret);
  assertImage(builder, 'cloneImage', p.cloneImage);
  if (!SHA.test(p.sha)) {
    throw new ManifestError('InvalidSha', builder, `sha "${p.sha}" is not a full commit SHA; pass the 40 lowercase hex characters of the commit (not a branch, tag or short SHA)`);
  }
  assertRepositoryUrl(builder, p.repositoryUrl);
  assertFetchRef(builder, p.fetchRef);
  if (p.gitCredentialsUrl !== undefined) assertCredentialsUrl(builder, p.gitCredentialsUrl);
  assertInteger(builder, 'activeDeadlineSeconds', p.activeDeadlineSeconds, 1);
  assertInteger(builder, 'ttlSecondsAfterFinished', p.ttlSecondsAfterFinished, 0);
  assertInteger(builder, 'backoffLimit', p.backoffLimit, 0, 10);
  // UID 0 would satisfy nothing: runAsNonRoot rejects it at pod start, so fail here with a clearer message.
  assertInteger(builder, 'runAsUser', p.runAsUser, 1, 2147483647);
  if (parseQuantity(p.workspaceSizeLimit) === undefined) {
    throw new ManifestError('InvalidQuantity', builder, `workspaceSizeLimit "${p.workspaceSizeLimit}" is not a quantity; use e.g. "4Gi"`);
  }
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

const FULL_REF = /^refs\/(?:heads|tags)\/[^\s~^:?*[\\]+$|^refs\/merge-requests\/[1-9][0-9]*\/head$/;

function assertFetchRef(builder: string, ref: string): void {
  // The ref reaches the script as an env value only; still, a refspec has its own syntax (`:`, `+`, globs) — refuse what is not a plain full ref.
  if (!FULL_REF.test(ref) || ref.includes('..') || ref.endsWith('/') || ref.endsWith('.lock')) {
    throw new ManifestError('InvalidRef', builder, `fetchRef "${ref}" is not a full branch, tag or merge-request ref; pass e.g. "refs/heads/main" (fetchRefOf in @sluice/delivery)`);
  }
}

function assertCredentialsUrl(builder: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ManifestError('InvalidRepositoryUrl', builder, `gitCredentialsUrl "${url}" is not a URL; give the Git host's base URL, e.g. "https://gitlab.example.com"`, { cause });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ManifestError('InvalidRepositoryUrl', builder, `gitCredentialsUrl uses "${parsed.protocol}"; give the Git host's http(s) base URL`);
  }
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '' || parsed.pathname !== '/') {
    throw new ManifestError('InvalidRepositoryUrl', builder, `gitCredentialsUrl must be only scheme, host and port (e.g. "${parsed.origin}"), without user, path, query or fragment`);
  }
}

/** `FailJob` as soon as `containerName` exits non-zero: rerunning a red step wastes the quota. */
export function failJobOn(containerName: string): V1PodFailurePolicyRule {
  return { action: 'FailJob', onExitCodes: { containerName, operator: 'NotIn', values: [0] } };
}

/**
 * The hardened Job with its scratch volumes and `clone` init container:
 * no API token, no service links, never restarted in place, non-root pod,
 * one completion. Pods evicted or preempted (`DisruptionTarget`) are retried
 * without counting against `backoffLimit`; `failOn` containers fail the Job at once.
 */
export function checkoutJob(builder: string, p: CheckoutJobProps, failOn: readonly string[]): JobBuilder {
  const job = new JobBuilder(
    builder,
    p,
    {
      activeDeadlineSeconds: p.activeDeadlineSeconds,
      backoffLimit: p.backoffLimit,
      completions: 1,
      parallelism: 1,
      podFailurePolicy: {
        // Order matters: the first matching rule wins, so a disrupted pod is retried even if its step died with 137.
        rules: [
          { action: 'Ignore', onPodConditions: [{ status: 'True', type: 'DisruptionTarget' }] },
          // The commit is not on the pushed ref: the repository's answer, not a flake — fail at once, unlike other clone failures.
          { action: 'FailJob', onExitCodes: { containerName: TEST_JOB_CONTAINERS.clone, operator: 'In', values: [REF_MISMATCH_EXIT_CODE] } },
          ...failOn.map(failJobOn),
        ],
      },
      ttlSecondsAfterFinished: p.ttlSecondsAfterFinished,
    },
    {
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: 'Never',
      securityContext: hardenedPodSecurityContext(p.runAsUser),
    },
  );
  job.pod
    .addVolume({ emptyDir: { sizeLimit: p.workspaceSizeLimit }, name: JOB_VOLUMES.workspace })
    .addVolume({ emptyDir: { sizeLimit: '1Gi' }, name: JOB_VOLUMES.tmp })
    .addVolume({ emptyDir: { sizeLimit: '1Gi' }, name: JOB_VOLUMES.home });
  if (p.gitCredentialsUrl !== undefined) job.pod.addVolume(secretFilesVolume(JOB_VOLUMES.credentials, p.gitCredentialsSecret, { password: 'password', username: 'username' }));
  job.pod.addInitContainer(cloneContainer(builder, p));
  return job;
}

/**
 * A Secret as read-only files: `items` maps each key to its file name.
 * 0440 + fsGroup: readable by the pod's group, by nobody else, writable by no one.
 */
export function secretFilesVolume(name: string, secretName: string, items: Readonly<Record<string, string>>): V1Volume {
  return { name, secret: { defaultMode: 0o440, items: Object.entries(items).map(([key, path]) => ({ key, path })), secretName } };
}

/** What a step container adds to the shared base. */
export interface StepContainerProps {
  readonly name: string;
  readonly image: string;
  readonly command: string[];
  readonly resources: ComputeResources;
  readonly env?: readonly V1EnvVar[];
  readonly volumeMounts?: readonly V1VolumeMount[];
  /** @default '/workspace' */
  readonly workingDir?: string;
}

/**
 * A hardened step container: HOME and TMPDIR on the pod's scratch volumes,
 * the workspace mounted, read-only root, every capability dropped, checked
 * requests and limits, a summary in the termination message.
 */
export function stepContainer(builder: string, s: StepContainerProps): V1Container {
  return {
    command: s.command,
    env: [{ name: 'HOME', value: HOME }, { name: 'TMPDIR', value: '/tmp' }, ...(s.env ?? [])],
    image: s.image,
    name: s.name,
    resources: checkedResources(builder, s.resources),
    securityContext: hardenedContainerSecurityContext(),
    terminationMessagePath: TERMINATION_MESSAGE_PATH,
    terminationMessagePolicy: 'FallbackToLogsOnError',
    volumeMounts: [
      { mountPath: '/workspace', name: JOB_VOLUMES.workspace },
      { mountPath: '/tmp', name: JOB_VOLUMES.tmp },
      { mountPath: HOME, name: JOB_VOLUMES.home },
      ...(s.volumeMounts ?? []),
    ],
    workingDir: s.workingDir ?? '/workspace',
  };
}

/**
 * The `clone` init container: exactly `sha`, checked to be on `fetchRef`; the
 * Git credentials as read-only files (the only container that sees them),
 * given by git to `gitCredentialsUrl` only.
 */
function cloneContainer(builder: string, p: CheckoutJobProps): V1Container {
  const credentials = p.gitCredentialsUrl === undefined ? undefined : new URL(p.gitCredentialsUrl).origin;
  return stepContainer(builder, {
    name: TEST_JOB_CONTAINERS.clone,
    image: p.cloneImage,
    command: ['/bin/sh', '-c', CLONE_SCRIPT],
    resources: p.cloneResources,
    env: [
      { name: 'GIT_TERMINAL_PROMPT', value: '0' },
      { name: REPO_URL_ENV, value: p.repositoryUrl },
      { name: SHA_ENV, value: p.sha },
      { name: FETCH_REF_ENV, value: p.fetchRef },
      ...(credentials === undefined ? [] : [{ name: GIT_HOST_ENV, value: credentials }]),
    ],
    ...(credentials !== undefined && { volumeMounts: [{ mountPath: GIT_CREDENTIALS_DIR, name: JOB_VOLUMES.credentials, readOnly: true }] }),
  });
}
