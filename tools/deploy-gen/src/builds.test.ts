import { BUILDER_SECCOMP_PROFILE_PATH, builderSeccompProfile } from '@sluice/manifests';
import { describe, expect, it } from 'vitest';
import { NODE_SECCOMP_FILE } from './builds.js';
import { installManifests, type Manifest } from './install.js';
import { BASE, OVERLAYS } from './profile.js';
import { renderDeploy } from './render.js';

type Labeled = Manifest & { metadata: { labels?: Record<string, string> } };
type Deployment = Manifest & { spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } } };

describe('the build namespace', () => {
  for (const [name, profile] of [['base', BASE] as const, ...Object.entries(OVERLAYS)]) {
    const manifests = installManifests(profile);
    const build = profile.namespaces.build;

    it(`${name}: enforces baseline and warns and audits at restricted; every other namespace enforces restricted`, () => {
      const namespaces = manifests.filter((m): m is Labeled => m.kind === 'Namespace');
      for (const ns of namespaces) {
        const labels = ns.metadata.labels ?? {};
        expect(labels['pod-security.kubernetes.io/enforce'], ns.metadata.name).toBe(ns.metadata.name === build ? 'baseline' : 'restricted');
        expect(labels['pod-security.kubernetes.io/warn'], ns.metadata.name).toBe('restricted');
        expect(labels['pod-security.kubernetes.io/audit'], ns.metadata.name).toBe('restricted');
      }
      expect(namespaces.map((n) => n.metadata.name)).toContain(build);
    });

    it(`${name}: holds the test-runner's Role and RoleBinding, a quota and limits, and no workload of Sluice's`, () => {
      const inBuild = manifests.filter((m) => m.metadata.namespace === build).map((m) => `${m.kind}/${m.metadata.name}`);
      expect(inBuild).toEqual(expect.arrayContaining(['Role/sluice-test-runner', 'RoleBinding/sluice-test-runner', 'ResourceQuota/sluice-build-quota', 'LimitRange/sluice-build-limits']));
      expect(inBuild.filter((k) => !k.startsWith('NetworkPolicy/')).sort()).toEqual(['LimitRange/sluice-build-limits', 'ResourceQuota/sluice-build-quota', 'Role/sluice-test-runner', 'RoleBinding/sluice-test-runner']);
    });

    it(`${name}: tells the test-runner where build Jobs go`, () => {
      const runner = manifests.find((m): m is Deployment => m.kind === 'Deployment' && m.metadata.name === 'test-runner');
      const env = runner?.spec.template.spec.containers[0]?.env ?? [];
      expect(env.find((e) => e.name === 'SLUICE_BUILD_NAMESPACE')?.value).toBe(build);
      expect(env.find((e) => e.name === 'SLUICE_TEST_NAMESPACE')?.value).toBe(profile.namespaces.test);
    });
  }
});

describe('deploy/node/', () => {
  it('holds the build pods’ seccomp profile where the kubelet path mirrors it, as pretty JSON', () => {
    expect(NODE_SECCOMP_FILE).toBe(`node/seccomp/${BUILDER_SECCOMP_PROFILE_PATH}`);
    const text = renderDeploy().get(NODE_SECCOMP_FILE);
    expect(text).toBe(`${JSON.stringify(builderSeccompProfile(), null, 2)}\n`);
    expect(JSON.parse(text ?? '')).toEqual(builderSeccompProfile());
  });

  it('is explained in the README and PERMISSIONS.md', () => {
    const files = renderDeploy();
    expect(files.get('README.md')).toContain('## Builds');
    expect(files.get('README.md')).toContain(`/var/lib/kubelet/seccomp/${BUILDER_SECCOMP_PROFILE_PATH}`);
    expect(files.get('PERMISSIONS.md')).toContain('## The build namespace');
  });
});
