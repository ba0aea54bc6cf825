import type { V1Container } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { BUILD_JOB_CONTAINERS, REGISTRY_CREDENTIALS_DIR, buildJob, buildJobBuilder, type BuildJobProps } from './build-job.js';
import { BUILDER_SECCOMP_PROFILE_PATH } from './builder-seccomp.js';
import { ManifestError } from './errors.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const PROPS: BuildJobProps = {
  name: 'shop-main-0123456-build',
  namespace: 'sluice-build',
  labels: { 'sluice.dev/delivery': 'shop-main-0123456' },
  builderImage: 'moby/buildkit:rootless',
  image: `r.local:5000/team/shop:${SHA}`,
  context: 'app',
  dockerfile: 'app/Dockerfile',
  output: { mode: 'buildkit', args: { GREETING: 'hello world' }, plainHttpRegistries: ['r.local:5000'] },
  registryCredentialsSecret: 'registry',
  resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
  repositoryUrl: 'https://gitlab.example.com/team/shop.git',
  sha: SHA,
  fetchRef: 'refs/heads/main',
  gitCredentialsSecret: 'shop-git-credentials',
  gitCredentialsUrl: 'https://gitlab.example.com',
  cloneImage: 'alpine/git:2.47',
};
const ARCHIVE: BuildJobProps = { ...PROPS, builderImage: 'alpine:3', output: { mode: 'archive', artifactUrl: `http://artifacts:9000/team/shop/${SHA}.tar.gz` } };

function parts(props: BuildJobProps) {
  const job = buildJob(props);
  const pod = job.spec?.template.spec;
  const containers: V1Container[] = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
  const byName = (name: string) => containers.find((c) => c.name === name);
  const env = (name: string) => Object.fromEntries((byName(name)?.env ?? []).map((e) => [e.name, e.value]));
  return { job, pod, containers, byName, env };
}

describe('buildJob', () => {
  it('clones in an init container, then builds; a failed build fails the Job at once, a disrupted pod is retried', () => {
    const { job, pod } = parts(PROPS);
    expect(pod?.initContainers?.map((c) => c.name)).toEqual([BUILD_JOB_CONTAINERS.clone]);
    expect(pod?.containers.map((c) => c.name)).toEqual([BUILD_JOB_CONTAINERS.build]);
    expect(job.spec?.podFailurePolicy?.rules).toEqual([
      { action: 'Ignore', onPodConditions: [{ status: 'True', type: 'DisruptionTarget' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'clone', operator: 'In', values: [3] } },
      { action: 'FailJob', onExitCodes: { containerName: 'build', operator: 'NotIn', values: [0] } },
    ]);
  });

  it('is labelled as the build component of its Delivery, on the Job and its pods', () => {
    const { job } = parts(PROPS);
    expect(job.metadata.labels).toMatchObject({ 'sluice.dev/delivery': 'shop-main-0123456', 'app.kubernetes.io/component': 'build' });
    expect(job.spec?.template.metadata?.labels).toEqual(job.metadata.labels);
  });

  it('keeps the pod hardened: no API token, non-root, every container with a read-only root', () => {
    for (const props of [PROPS, ARCHIVE]) {
      const { pod, containers } = parts(props);
      expect(pod?.automountServiceAccountToken).toBe(false);
      expect(pod?.enableServiceLinks).toBe(false);
      expect(pod?.securityContext?.runAsNonRoot).toBe(true);
      for (const c of containers) {
        expect(c.securityContext?.runAsNonRoot, c.name).toBe(true);
        expect(c.securityContext?.readOnlyRootFilesystem, c.name).toBe(true);
        expect(c.securityContext?.capabilities?.drop, c.name).toEqual(['ALL']);
      }
    }
  });

  it('gives rootless BuildKit only SETUID/SETGID and the node-installed seccomp profile; the archive build gets nothing extra', () => {
    expect(parts(PROPS).byName('build')?.securityContext).toMatchObject({
      runAsUser: 1000,
      allowPrivilegeEscalation: true,
      capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID'] },
      seccompProfile: { type: 'Localhost', localhostProfile: BUILDER_SECCOMP_PROFILE_PATH },
    });
    expect(parts(ARCHIVE).byName('build')?.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('mounts the registry credentials read-only into the build step only, and the Git credentials into clone only', () => {
    for (const props of [PROPS, ARCHIVE]) {
      const { containers } = parts(props);
      const mounting = (volume: string) => containers.filter((c) => (c.volumeMounts ?? []).some((m) => m.name === volume && m.readOnly)).map((c) => c.name);
      expect(mounting('registry-credentials')).toEqual(['build']);
      expect(mounting('git-credentials')).toEqual(['clone']);
    }
  });

  it('reads the registry Secret as a docker config for BuildKit, as username/password files for the archive upload', () => {
    const secretOf = (props: BuildJobProps) => parts(props).pod?.volumes?.find((v) => v.name === 'registry-credentials')?.secret;
    expect(secretOf(PROPS)).toEqual({ defaultMode: 0o440, items: [{ key: '.dockerconfigjson', path: 'config.json' }], secretName: 'registry' });
    expect(secretOf(ARCHIVE)?.items?.map((i) => i.key)).toEqual(['password', 'username']);
  });

  it('passes the image, the paths in the checkout and the build arguments as environment, never as script text', () => {
    expect(parts(PROPS).env('build')).toMatchObject({
      IMAGE: PROPS.image,
      BUILD_CONTEXT: '/workspace/src/app',
      DOCKERFILE_PATH: '/workspace/src/app/Dockerfile',
      DOCKER_CONFIG: REGISTRY_CREDENTIALS_DIR,
      BUILD_ARGS: 'GREETING=hello world',
      PLAIN_HTTP_REGISTRIES: 'r.local:5000',
    });
    expect(parts(ARCHIVE).env('build')).toMatchObject({ ARTIFACT_URL: `http://artifacts:9000/team/shop/${SHA}.tar.gz`, DOCKERFILE: '/workspace/src/app/Dockerfile' });
    expect(JSON.stringify(parts(PROPS).byName('build')?.command)).not.toContain('hello world');
  });

  it('gives BuildKit its own state volume, and the archive build none', () => {
    expect(parts(PROPS).pod?.volumes).toEqual(expect.arrayContaining([{ name: 'buildkit', emptyDir: {} }]));
    expect(parts(ARCHIVE).pod?.volumes?.map((v) => v.name)).not.toContain('buildkit');
  });

  it('refuses a build context outside the checkout, saying how to fix it', () => {
    expect(() => buildJob({ ...PROPS, context: '../other' })).toThrow(ManifestError);
    expect(() => buildJob({ ...PROPS, dockerfile: '/etc/Dockerfile' })).toThrow(/relative path/);
  });

  it('can be extended before it is built, e.g. with a sidecar volume and env', () => {
    const b = buildJobBuilder(PROPS);
    b.pod.addVolume({ name: 'cache', emptyDir: {} }).addVolumeMount('build', { name: 'cache', mountPath: '/cache' }).addEnv('build', { name: 'CACHE_DIR', value: '/cache' });
    b.addAnnotations({ 'sluice.dev/note': 'x' });
    const job = b.build();
    const build = job.spec?.template.spec?.containers[0];
    expect(build?.volumeMounts).toContainEqual({ name: 'cache', mountPath: '/cache' });
    expect(build?.env).toContainEqual({ name: 'CACHE_DIR', value: '/cache' });
    expect(job.metadata.annotations).toEqual({ 'sluice.dev/note': 'x' });
  });
});
