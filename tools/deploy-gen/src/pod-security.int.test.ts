import { BUILDER_SECCOMP_PROFILE_PATH, buildJob, testJob } from '@sluice/manifests';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { installManifests, type Manifest } from './install.js';
import { kubectl } from './kubectl.testkit.js';
import { BASE } from './profile.js';

const kc = inject('kubeconfig');
const ns = BASE.namespaces;

/** Creates `pod` with a server-side dry run: admission runs, nothing is stored. */
function dryRunPod(pod: object): { status: number; stderr: string } {
  return kubectl(kc, ['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
}

beforeAll(() => {
  const r = kubectl(kc, ['apply', '--server-side', '--force-conflicts', '--field-manager=deploy-gen-test', '-k', 'deploy/base']);
  expect(r.status, r.stderr).toBe(0);
});

describe('Pod Security admission (restricted, enforced)', () => {
  it('rejects a privileged pod in the test namespace', () => {
    const resources = { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '100m', memory: '64Mi' } };
    // Host namespaces, a hostPath and added capabilities: what a privileged workload asks for.
    // (`privileged: true` itself is refused even earlier here: the apiserver runs with --allow-privileged=false.)
    const r = dryRunPod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'privileged', namespace: ns.test },
      spec: {
        hostPID: true,
        hostNetwork: true,
        volumes: [{ name: 'host', hostPath: { path: '/' } }],
        containers: [{ name: 'x', image: 'busybox', command: ['true'], resources, securityContext: { capabilities: { add: ['SYS_ADMIN'] } }, volumeMounts: [{ name: 'host', mountPath: '/host' }] }],
      },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr, r.stderr).toMatch(/violates PodSecurity "restricted:latest": host namespaces/);
    const privileged = dryRunPod({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'privileged', namespace: ns.test },
      spec: { containers: [{ name: 'x', image: 'busybox', command: ['true'], resources, securityContext: { privileged: true } }] },
    });
    expect(privileged.status).not.toBe(0);
  });

  it('rejects a root pod without a seccomp profile in production too', () => {
    const r = dryRunPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'root', namespace: ns.production[0] }, spec: { containers: [{ name: 'x', image: 'busybox' }] } });
    expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  it("admits the test Job's pod", () => {
    const job = testJob({
      name: 'test-shop-0123456',
      namespace: ns.test,
      image: 'node:20-alpine',
      installCommands: ['npm ci'],
      testCommands: ['npm test'],
      repositoryUrl: 'https://gitlab.example.com/team/shop.git',
      sha: '0123456789abcdef0123456789abcdef01234567',
      fetchRef: 'refs/heads/main',
      gitCredentialsSecret: 'sluice-git-credentials',
      gitCredentialsUrl: 'https://gitlab.example.com',
      cloneImage: 'alpine/git:v2.49.1',
    });
    const r = dryRunPod({ apiVersion: 'v1', kind: 'Pod', metadata: { ...job.spec?.template.metadata, name: 'test-pod', namespace: ns.test }, spec: job.spec?.template.spec });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it("admits every Sluice pod: the four services' and the collector's", () => {
    const deployments = installManifests(BASE).filter((m): m is Manifest & { spec: { template: { metadata: object; spec: object } } } => m.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['webhook-gateway', 'test-runner', 'deployer', 'notifier', 'otel-collector']);
    for (const d of deployments) {
      const r = dryRunPod({ apiVersion: 'v1', kind: 'Pod', metadata: { ...d.spec.template.metadata, name: `${d.metadata.name}-pod`, namespace: d.metadata.namespace }, spec: d.spec.template.spec });
      expect(r.stderr, d.metadata.name).toBe('');
    }
  });
});

describe('Pod Security admission in the build namespace (baseline enforced, restricted warned)', () => {
  const resources = { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '100m', memory: '64Mi' } };
  /** What rootless BuildKit's step asks for: newuidmap/newgidmap with file capabilities and the Localhost seccomp profile. */
  const builder = (namespace: string, securityContext: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'builder', namespace },
    spec: {
      containers: [
        {
          name: 'build',
          image: 'moby/buildkit:rootless',
          resources,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            allowPrivilegeEscalation: true,
            capabilities: { drop: ['ALL'], add: ['SETUID', 'SETGID'] },
            seccompProfile: { type: 'Localhost', localhostProfile: BUILDER_SECCOMP_PROFILE_PATH },
            ...securityContext,
          },
        },
      ],
    },
  });

  it("admits the BuildKit build Job's pod, with restricted's warning, and refuses it in the test namespace", () => {
    const job = buildJob({
      name: 'shop-main-0123456-build',
      namespace: ns.build,
      builderImage: 'moby/buildkit:rootless',
      image: 'registry.example.com/team/shop:0123456789abcdef0123456789abcdef01234567',
      context: '.',
      dockerfile: 'Dockerfile',
      output: { mode: 'buildkit', args: {}, plainHttpRegistries: [] },
      registryCredentialsSecret: 'sluice-registry-credentials',
      resources,
      repositoryUrl: 'https://gitlab.example.com/team/shop.git',
      sha: '0123456789abcdef0123456789abcdef01234567',
      fetchRef: 'refs/heads/main',
      gitCredentialsSecret: 'sluice-git-credentials',
      gitCredentialsUrl: 'https://gitlab.example.com',
      cloneImage: 'alpine/git:v2.49.1',
    });
    const pod = (namespace: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { ...job.spec?.template.metadata, name: 'build-pod', namespace }, spec: job.spec?.template.spec });
    const r = dryRunPod(pod(ns.build));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/would violate PodSecurity "restricted:latest"/);
    expect(dryRunPod(pod(ns.test)).stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  });

  it("admits the build step's security context, with restricted's warning", () => {
    const r = dryRunPod(builder(ns.build));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/would violate PodSecurity "restricted:latest"/);
  });

  it('refuses the same pod in the test namespace', () => {
    const r = dryRunPod(builder(ns.test));
    expect(r.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(r.status).not.toBe(0);
  });

  it('still refuses Unconfined seccomp, other capabilities and host namespaces', () => {
    for (const pod of [builder(ns.build, { seccompProfile: { type: 'Unconfined' } }), builder(ns.build, { capabilities: { add: ['SYS_ADMIN'] } })]) {
      const r = dryRunPod(pod);
      expect(r.stderr).toMatch(/violates PodSecurity "baseline:latest"/);
      expect(r.status).not.toBe(0);
    }
    const host = builder(ns.build);
    const r = dryRunPod({ ...host, spec: { ...host.spec, hostPID: true } });
    expect(r.stderr).toMatch(/violates PodSecurity "baseline:latest": host namespaces/);
  });
});
