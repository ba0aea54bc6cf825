import type { V1Job, V1SecurityContext } from '@kubernetes/client-node';
import { ARCHIVE_BUILD_SCRIPT, BUILDKIT_BUILD_SCRIPT } from './build-job-scripts.js';
import { BUILDER_SECCOMP_PROFILE_PATH } from './builder-seccomp.js';
import { ManifestError } from './errors.js';
import { CHECKOUT_JOB_DEFAULTS, assertCheckoutJob, checkoutJob, secretFilesVolume, stepContainer } from './job-parts.js';
import type { ComputeResources } from './resources.js';
import { TEST_JOB_CONTAINERS, WORKDIR } from './test-job-scripts.js';
import { MANAGED_BY, assertDnsSubdomain, assertImage, mergeLabels, withDefaults } from './validate.js';
import type { Wire } from './wire.js';
import type { JobBuilder } from './workload.js';

/**
 * Container names of the build Job, in the order they run: `clone` (init,
 * as in the test Job, retried) then `build`, which fails the Job at once.
 */
export const BUILD_JOB_CONTAINERS = Object.freeze({ clone: TEST_JOB_CONTAINERS.clone, build: 'build' } as const);
/** Where the registry credentials Secret is mounted, read-only, in the build step only. */
export const REGISTRY_CREDENTIALS_DIR = '/var/run/sluice/registry-credentials';

const CREDENTIALS_VOLUME = 'registry-credentials';
/** BuildKit's state (layers, cache) for the one build: an emptyDir, as large as the build needs. */
const BUILDKIT_VOLUME = 'buildkit';
const BUILDKIT_ROOT = '/var/lib/buildkit';
/** The uid BuildKit's rootless images run as; /etc/subuid maps 65536 more ids for the build's user namespace. */
const BUILDER_UID = 1000;

/** How the build turns the checkout into `image`. */
export type BuildOutput =
  /** Rootless BuildKit builds the Dockerfile and pushes `image`; the Secret holds `.dockerconfigjson`. */
  | { readonly mode: 'buildkit'; readonly args: Readonly<Record<string, string>>; readonly plainHttpRegistries: readonly string[] }
  /** The build context as a tarball, uploaded to `artifactUrl`; the Secret holds `username` and `password`. */
  | { readonly mode: 'archive'; readonly artifactUrl: string };

export interface BuildJobProps {
  /** Job name; a DNS-1123 label. */
  readonly name: string;
  /** The build namespace, apart from the test pods. */
  readonly namespace: string;
  /** Labels linking the Job to its Delivery; copied onto the pod. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Image of the build step (BuildKit's rootless image, or one with tar and curl for `archive`). */
  readonly builderImage: string;
  /** What the build produces, `<repository>:<sha>`. */
  readonly image: string;
  /** Build context and Dockerfile, relative to the checkout. */
  readonly context: string;
  readonly dockerfile: string;
  readonly output: BuildOutput;
  /** Secret with the registry credentials, mounted read-only into `build` only. */
  readonly registryCredentialsSecret: string;
  /** Requests and limits of the build step (taken as given: a build may need more than any default). */
  readonly resources: ComputeResources;
  /** http(s) clone URL without credentials. */
  readonly repositoryUrl: string;
  /** The exact commit to build: 40 lowercase hex characters. */
  readonly sha: string;
  /** The full ref `sha` must be on (see the test Job's `fetchRef`). */
  readonly fetchRef: string;
  /** Secret with keys `username` and `password`, mounted read-only into `clone` only, when `gitCredentialsUrl` is given. */
  readonly gitCredentialsSecret: string;
  /** The Git host (`scheme://host[:port]`) git gives the credentials to, and to no other. @default none */
  readonly gitCredentialsUrl?: string;
  /** Image with `git` and `/bin/sh` for the clone step. */
  readonly cloneImage: string;
  /** @default 1800 */
  readonly activeDeadlineSeconds?: number;
  /** @default 3600 */
  readonly ttlSecondsAfterFinished?: number;
  /** Retries of the clone step. @default 2 */
  readonly backoffLimit?: number;
}

/**
 * What rootless BuildKit needs, and no more (why: deploy/PERMISSIONS.md):
 * its own user namespace with 65536 subordinate ids, mapped by newuidmap and
 * newgidmap through their file capabilities — so privilege escalation stays
 * allowed and CAP_SETUID and CAP_SETGID stay in the bounding set (the process
 * itself runs as uid 1000 with no effective capabilities) — and a seccomp
 * profile that lets it create user and mount namespaces (`sluice/builder.json`,
 * installed on every node). The build namespace's Pod Security level,
 * `baseline`, admits exactly this.
 */
function builderSecurityContext(): V1SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: BUILDER_UID,
    runAsGroup: BUILDER_UID,
    allowPrivilegeEscalation: true,
    capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID'] },
    readOnlyRootFilesystem: true,
    seccompProfile: { type: 'Localhost', localhostProfile: BUILDER_SECCOMP_PROFILE_PATH },
  };
}

/**
 * The build Job of one commit, as a builder to extend before `build()`: the
 * same hardened pod parts as the test Job (clone of the exact SHA in an init
 * container, credentials as read-only files, no API token, requests/limits,
 * deadline, TTL) and one `build` container that turns the checkout into
 * `image` (see {@link BuildOutput}); the pushed or uploaded digest goes to its
 * termination message as `built <image> <digest>`. A failing build fails the
 * Job at once; only clone failures are retried.
 */
export function buildJobBuilder(props: BuildJobProps): JobBuilder {
  const builder = 'buildJob';
  const p = withDefaults(props, CHECKOUT_JOB_DEFAULTS);
  assertCheckoutJob(builder, p);
  assertImage(builder, 'builderImage', p.builderImage);
  assertImage(builder, 'image', p.image);
  assertDnsSubdomain(builder, 'registryCredentialsSecret', p.registryCredentialsSecret);
  for (const [field, path] of [['context', p.context], ['dockerfile', p.dockerfile]] as const) {
    if (path.startsWith('/') || path.split('/').includes('..')) {
      throw new ManifestError('InvalidName', builder, `${field} "${path}" must stay inside the checkout; give a relative path without ".."`);
    }
  }
  const labels = mergeLabels(builder, p.labels, { ...MANAGED_BY, 'app.kubernetes.io/component': 'build', 'app.kubernetes.io/part-of': 'sluice' });
  const job = checkoutJob(builder, { ...p, labels }, [BUILD_JOB_CONTAINERS.build]);
  const common = [
    { name: 'BUILD_CONTEXT', value: `${WORKDIR}/${p.context}` },
    { name: 'IMAGE', value: p.image },
  ];
  const credentialsMount = { mountPath: REGISTRY_CREDENTIALS_DIR, name: CREDENTIALS_VOLUME, readOnly: true };
  const step = (script: string) => ({ name: BUILD_JOB_CONTAINERS.build, image: p.builderImage, command: ['/bin/sh', '-c', script], resources: p.resources, workingDir: WORKDIR });
  const out = p.output;
  if (out.mode === 'archive') {
    job.pod.addVolume(secretFilesVolume(CREDENTIALS_VOLUME, p.registryCredentialsSecret, { password: 'password', username: 'username' }));
    job.pod.addContainer(
      stepContainer(builder, {
        ...step(ARCHIVE_BUILD_SCRIPT),
        env: [
          { name: 'CI', value: 'true' },
          ...common,
          { name: 'DOCKERFILE', value: `${WORKDIR}/${p.dockerfile}` },
          { name: 'REGISTRY_CREDENTIALS_DIR', value: REGISTRY_CREDENTIALS_DIR },
          { name: 'ARTIFACT_URL', value: out.artifactUrl },
        ],
        volumeMounts: [credentialsMount],
      }),
    );
    return job;
  }
  job.pod.addVolume(secretFilesVolume(CREDENTIALS_VOLUME, p.registryCredentialsSecret, { '.dockerconfigjson': 'config.json' }));
  job.pod.addVolume({ name: BUILDKIT_VOLUME, emptyDir: {} });
  job.pod.addContainer({
    ...stepContainer(builder, {
      ...step(BUILDKIT_BUILD_SCRIPT),
      env: [
        { name: 'CI', value: 'true' },
        ...common,
        { name: 'DOCKERFILE_PATH', value: `${WORKDIR}/${p.dockerfile}` },
        { name: 'DOCKER_CONFIG', value: REGISTRY_CREDENTIALS_DIR },
        { name: 'BUILDKIT_ROOT', value: BUILDKIT_ROOT },
        { name: 'PLAIN_HTTP_REGISTRIES', value: out.plainHttpRegistries.join(' ') },
        { name: 'BUILD_ARGS', value: Object.entries(out.args).map(([k, v]) => `${k}=${v}`).join('\n') },
      ],
      volumeMounts: [credentialsMount, { mountPath: BUILDKIT_ROOT, name: BUILDKIT_VOLUME }],
    }),
    securityContext: builderSecurityContext(),
  });
  return job;
}

/** The build Job of {@link buildJobBuilder}, in wire form. */
export function buildJob(props: BuildJobProps): Wire<V1Job> {
  return buildJobBuilder(props).build();
}
