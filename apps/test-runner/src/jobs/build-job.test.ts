import { parseApplication, parseDelivery, type Application, type Delivery } from '@sluice/delivery';
import { BUILDER_SECCOMP_PROFILE_PATH } from '@sluice/manifests';
import { describe, expect, it } from 'vitest';
import type { RunnerSettings } from '../controller/settings.js';
import { sampleApplication, sampleDelivery } from '../testing/runner.testkit.js';
import { BUILD_CONTAINER, buildBuildJob } from './build-job.js';

const SHA = 'a'.repeat(40);
const settings: RunnerSettings = {
  namespace: 'sluice-system',
  testNamespace: 'sluice-test',
  buildNamespace: 'sluice-build',
  maxConcurrentJobs: 5,
  maxConcurrentJobsPerProject: 2,
  gitCredentialsSecret: 'git',
  cloneImage: 'git:1',
  quotaWaitMs: 1000,
  podPendingGraceMs: 1000,
  backoffLimit: 2,
  jobTtlSeconds: 60,
  logTailLines: 50,
  build: { mode: 'buildkit', builderImage: 'builder:1', registryCredentialsSecret: 'registry', plainHttpRegistries: ['10.240.0.2:5000', 'r.local:5000'] },
};

function fixtures(): { application: Application; delivery: Delivery } {
  const application = parseApplication(
    sampleApplication('sluice-system', 'shop', 'http://git.example/team/shop.git', {
      build: { repository: 'r.local:5000/team/shop', args: { BASE_IMAGE: 'r.local:5000/base@sha256:1', GREETING: 'hello world' } },
    }),
  );
  const delivery = parseDelivery(sampleDelivery('sluice-system', 'shop', { repositoryUrl: 'http://git.example/team/shop.git', sha: SHA, ref: 'main' }));
  if (!application.ok || !delivery.ok) throw new Error(`bad fixture: ${JSON.stringify([application, delivery])}`);
  return { application: application.value, delivery: delivery.value };
}

describe('the BuildKit build Job', () => {
  const { application, delivery } = fixtures();
  const job = buildBuildJob(delivery, application, settings, 'shop-push');
  const pod = job.spec?.template.spec;
  const build = pod?.containers.find((c) => c.name === BUILD_CONTAINER);
  const env = Object.fromEntries((build?.env ?? []).map((e) => [e.name, e.value]));

  it('runs in the build namespace, not beside the test pods', () => {
    expect(job.metadata?.namespace).toBe('sluice-build');
  });

  it('gets the user namespace rootless BuildKit needs and nothing more: uid 1000, only SETUID/SETGID kept for newuidmap, the node-installed seccomp profile', () => {
    expect(build?.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      allowPrivilegeEscalation: true,
      capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID'] },
      readOnlyRootFilesystem: true,
      seccompProfile: { type: 'Localhost', localhostProfile: BUILDER_SECCOMP_PROFILE_PATH },
    });
    expect(pod?.automountServiceAccountToken).toBe(false);
  });

  it('pushes <repository>:<sha>, passes the build arguments one per line and names the plain-HTTP registries', () => {
    expect(env['IMAGE']).toBe(`r.local:5000/team/shop:${SHA}`);
    expect(env['BUILD_ARGS']).toBe('BASE_IMAGE=r.local:5000/base@sha256:1\nGREETING=hello world');
    expect(env['PLAIN_HTTP_REGISTRIES']).toBe('10.240.0.2:5000 r.local:5000');
    expect(env['DOCKER_CONFIG']).toBe('/var/run/sluice/registry-credentials');
  });

  it('runs the cluster\'s builder image, whatever the Application says', () => {
    const crafted = { ...application, spec: { ...application.spec, build: { ...application.spec.build, builderImage: 'evil/builder:1' } } } as Application;
    expect(buildBuildJob(delivery, crafted, settings, 'shop-push').spec?.template.spec?.containers.map((c) => c.image)).toEqual(['builder:1']);
  });

  it('mounts the push Secret it is given (the Application\'s own), not the shared one', () => {
    expect(pod?.volumes?.find((v) => v.name === 'registry-credentials')?.secret?.secretName).toBe('shop-push');
  });

  it('mounts the registry credentials read-only into the build step only, and gives BuildKit its own state volume', () => {
    const credentialMounts = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].filter((c) =>
      (c.volumeMounts ?? []).some((m) => m.name === 'registry-credentials'),
    );
    expect(credentialMounts.map((c) => c.name)).toEqual([BUILD_CONTAINER]);
    expect(build?.volumeMounts).toEqual(expect.arrayContaining([{ mountPath: '/var/run/sluice/registry-credentials', name: 'registry-credentials', readOnly: true }, { mountPath: '/var/lib/buildkit', name: 'buildkit' }]));
    expect(pod?.volumes).toEqual(expect.arrayContaining([{ name: 'buildkit', emptyDir: {} }]));
  });
});
