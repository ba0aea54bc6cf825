import type { Application, Delivery } from '@sluice/delivery';
import { imageFor } from '@sluice/delivery';
import { BUILDER_SECCOMP_PROFILE_PATH, TEST_JOB_CONTAINERS, WORKDIR, testJob } from '@sluice/manifests';
import { jobNamespace, type BuildSettings, type RunnerSettings } from '../controller/settings.js';
import { STAGE_LABEL, jobLabels, jobName } from './names.js';
import { ARCHIVE_BUILD_SCRIPT, BUILDKIT_BUILD_SCRIPT } from './scripts.js';
import type { Container, Job } from './types.js';

/** Container name of the build step. */
export const BUILD_CONTAINER = 'build';
/** Where the registry credentials Secret is mounted, read-only, in the build step only. */
export const REGISTRY_CREDENTIALS_DIR = '/var/run/sluice/registry-credentials';

const CREDENTIALS_VOLUME = 'registry-credentials';
/** BuildKit's state (layers, cache) for the one build: an emptyDir, as large as the build needs. */
const BUILDKIT_VOLUME = 'buildkit';
const BUILDKIT_ROOT = '/var/lib/buildkit';
/** The uid BuildKit's rootless images run as; /etc/subuid maps 65536 more ids for the build's user namespace. */
const BUILDER_UID = 1000;

/** Where the archive build uploads `<repository>:<sha>`: `<base>/<repository>/<sha>.tar.gz`. */
export function artifactUrl(baseUrl: string, repository: string, sha: string): string {
  return `${baseUrl}/${repository}/${sha}.tar.gz`;
}

function builderImage(application: Application, build: BuildSettings): string {
  return application.spec.build.builderImage ?? build.builderImage;
}

function buildStep(delivery: Delivery, application: Application, settings: RunnerSettings, base: Container): Container {
  const spec = application.spec.build;
  const image = imageFor(spec, delivery.spec.checkoutSha);
  const common = [
    { name: 'BUILD_CONTEXT', value: `${WORKDIR}/${spec.context}` },
    { name: 'IMAGE', value: image },
  ];
  const mount = { mountPath: REGISTRY_CREDENTIALS_DIR, name: CREDENTIALS_VOLUME, readOnly: true };
  const step: Container = {
    ...base,
    name: BUILD_CONTAINER,
    image: builderImage(application, settings.build),
    resources: { requests: { ...spec.resources.requests }, limits: { ...spec.resources.limits } },
    volumeMounts: [...(base.volumeMounts ?? []), mount],
  };
  if (settings.build.mode === 'archive') {
    return {
      ...step,
      command: ['/bin/sh', '-c', ARCHIVE_BUILD_SCRIPT],
      env: [
        ...(base.env ?? []),
        ...common,
        { name: 'DOCKERFILE', value: `${WORKDIR}/${spec.dockerfile}` },
        { name: 'REGISTRY_CREDENTIALS_DIR', value: REGISTRY_CREDENTIALS_DIR },
        { name: 'ARTIFACT_URL', value: artifactUrl(settings.build.artifactRegistryUrl ?? '', spec.repository, delivery.spec.checkoutSha) },
      ],
    };
  }
  return {
    ...step,
    command: ['/bin/sh', '-c', BUILDKIT_BUILD_SCRIPT],
    env: [
      ...(base.env ?? []),
      ...common,
      { name: 'DOCKERFILE_PATH', value: `${WORKDIR}/${spec.dockerfile}` },
      { name: 'DOCKER_CONFIG', value: REGISTRY_CREDENTIALS_DIR },
      { name: 'BUILDKIT_ROOT', value: BUILDKIT_ROOT },
      { name: 'PLAIN_HTTP_REGISTRIES', value: settings.build.plainHttpRegistries.join(' ') },
      { name: 'BUILD_ARGS', value: Object.entries(spec.args).map(([k, v]) => `${k}=${v}`).join('\n') },
    ],
    volumeMounts: [...(step.volumeMounts ?? []), { mountPath: BUILDKIT_ROOT, name: BUILDKIT_VOLUME }],
    securityContext: builderSecurityContext(),
  };
}

/**
 * What rootless BuildKit needs, and no more (why: deploy/PERMISSIONS.md):
 * its own user namespace with 65536 subordinate ids, mapped by newuidmap and
 * newgidmap through their file capabilities — so privilege escalation stays
 * allowed and CAP_SETUID
 * and CAP_SETGID stay in the bounding set (the process itself runs as uid 1000
 * with no effective capabilities) — and a seccomp profile that lets it create
 * user and mount namespaces (`sluice/builder.json`, installed on every node).
 * The build namespace's Pod Security level, `baseline`, admits exactly this.
 */
function builderSecurityContext(): Container['securityContext'] {
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
 * The build Job of `delivery`: the same hardened pod as the test Job (clone
 * of the exact SHA in an init container, credentials as read-only files, no
 * API token, requests/limits, deadline, TTL), with one `build` container
 * that turns the checkout into `<repository>:<sha>`:
 *
 * - `buildkit`: rootless BuildKit builds the Dockerfile (the Application's
 *   build arguments passed on) and pushes the image with the registry
 *   credentials (`.dockerconfigjson`) as `DOCKER_CONFIG`; the pushed digest
 *   is what the Delivery records and the deployer runs.
 * - `archive` (the node-agent lane, which runs no containers): packs the
 *   build context into a tarball and uploads it to the artifact registry,
 *   authenticated with the Secret's `username`/`password`.
 *
 * It runs in the build namespace, apart from the test pods.
 *
 * A failing build fails the Job at once (podFailurePolicy); only clone
 * failures are retried.
 */
export function buildBuildJob(delivery: Delivery, application: Application, settings: RunnerSettings): Job {
  const spec = application.spec.build;
  const job = testJob({
    name: jobName(delivery.metadata.name, 'build'),
    namespace: jobNamespace(settings, 'build'),
    labels: jobLabels(delivery, 'build'),
    image: builderImage(application, settings.build),
    testCommands: ['build'],
    repositoryUrl: delivery.spec.repositoryUrl,
    sha: delivery.spec.checkoutSha,
    gitCredentialsSecret: settings.gitCredentialsSecret,
    cloneImage: settings.cloneImage,
    activeDeadlineSeconds: spec.timeoutSeconds,
    ttlSecondsAfterFinished: settings.jobTtlSeconds,
    backoffLimit: settings.backoffLimit,
  });
  const jobSpec = job.spec;
  const pod = jobSpec?.template.spec;
  const base = pod?.containers.find((c) => c.name === TEST_JOB_CONTAINERS.test);
  if (!jobSpec || !pod || !base) throw new Error('testJob() no longer has a `test` container; update buildBuildJob');
  const credentials =
    settings.build.mode === 'archive'
      ? { secretName: settings.build.registryCredentialsSecret, defaultMode: 0o440, items: [{ key: 'password', path: 'password' }, { key: 'username', path: 'username' }] }
      : { secretName: settings.build.registryCredentialsSecret, defaultMode: 0o440, items: [{ key: '.dockerconfigjson', path: 'config.json' }] };
  const labels = { ...job.metadata?.labels, 'app.kubernetes.io/component': 'build', [STAGE_LABEL]: 'build' };
  return {
    ...job,
    metadata: { ...job.metadata, labels },
    spec: {
      ...jobSpec,
      podFailurePolicy: {
        rules: [
          { action: 'Ignore', onPodConditions: [{ status: 'True', type: 'DisruptionTarget' }] },
          { action: 'FailJob', onExitCodes: { containerName: BUILD_CONTAINER, operator: 'NotIn', values: [0] } },
        ],
      },
      template: {
        ...jobSpec.template,
        metadata: { ...jobSpec.template.metadata, labels },
        spec: {
          ...pod,
          containers: [buildStep(delivery, application, settings, base)],
          volumes: [
            ...(pod.volumes ?? []),
            { name: CREDENTIALS_VOLUME, secret: credentials },
            ...(settings.build.mode === 'buildkit' ? [{ name: BUILDKIT_VOLUME, emptyDir: {} }] : []),
          ],
        },
      },
    },
  };
}
