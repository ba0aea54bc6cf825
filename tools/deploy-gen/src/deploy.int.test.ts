import { inject, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { installManifests, manifestKey, type Manifest } from './install.js';
import { kubectl } from './kubectl.testkit.js';
import { BASE, LOCAL, PRODUCTION_EXAMPLE } from './profile.js';

const kubeconfig = inject('kubeconfig');

function kustomize(dir: string): Manifest[] {
  const r = kubectl(kubeconfig, ['kustomize', dir]);
  expect(r.stderr).toBe('');
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest);
}

const byKey = (ms: readonly Manifest[]) => Object.fromEntries(ms.map((m) => [manifestKey(m), m]));

describe('deploy/ as kustomize builds it', () => {
  it.each([
    ['deploy/base', BASE],
    ['deploy/overlays/local', LOCAL],
    ['deploy/overlays/production-example', PRODUCTION_EXAMPLE],
  ] as const)('%s is exactly what the builders produce for its profile', (dir, profile) => {
    expect(byKey(kustomize(dir))).toEqual(byKey(installManifests(profile)));
  });
});

describe('installing on a real apiserver', () => {
  beforeAll(() => {
    // The local overlay for real: CRDs, namespaces, RBAC, policies, workloads.
    const r = kubectl(kubeconfig, ['apply', '--server-side', '--force-conflicts', '--field-manager=deploy-gen-test', '-k', 'deploy/overlays/local']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('applied every object of the local overlay', () => {
    for (const m of installManifests(LOCAL)) {
      const args = ['get', `${m.kind}.${m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : ''}`.replace(/\.$/, ''), m.metadata.name, '-o', 'name'];
      const r = kubectl(kubeconfig, m.metadata.namespace ? [...args, '-n', m.metadata.namespace] : args);
      expect(r.status, `${manifestKey(m)}: ${r.stderr}`).toBe(0);
    }
  });

  it.each(['deploy/base', 'deploy/overlays/local', 'deploy/overlays/production-example'])('%s passes a server-side dry run', (dir) => {
    // Namespaces an overlay adds must exist for a dry run of what goes in them.
    for (const m of kustomize(dir).filter((o) => o.kind === 'Namespace')) {
      kubectl(kubeconfig, ['apply', '--server-side', '--field-manager=deploy-gen-test', '-f', '-'], JSON.stringify(m));
    }
    const r = kubectl(kubeconfig, ['apply', '--server-side', '--force-conflicts', '--field-manager=deploy-gen-test', '--dry-run=server', '-k', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
