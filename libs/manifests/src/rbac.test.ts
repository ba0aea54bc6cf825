import { describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import { roleBindingFor, roleFor, serviceAccountFor } from './rbac.js';
import type { SluiceService } from './rbac-table.js';
import { PERMISSIONS, SLUICE_SERVICES } from './rbac-table.js';

/**
 * The whole permission table, written out by hand. Adding, removing or
 * changing a verb anywhere must make this test fail, so access changes are
 * always visible in review.
 */
const EXPECTED = [
  'webhook-gateway sluice-system sluice.dev/applications: list,watch',
  'webhook-gateway sluice-system sluice.dev/deliveries: get,list,watch,create',
  'webhook-gateway sluice-system sluice.dev/deliveries/status: update',
  'webhook-gateway webhook-secrets core/secrets: list,watch',
  'test-runner sluice-system sluice.dev/applications: list,watch',
  'test-runner sluice-system sluice.dev/deliveries: list,watch',
  'test-runner sluice-system sluice.dev/deliveries/status: update',
  'test-runner sluice-system coordination.k8s.io/leases[sluice-test-runner-leader]: get,patch',
  'test-runner sluice-system coordination.k8s.io/leases: create',
  'test-runner test batch/jobs: get,list,watch,create,delete',
  'test-runner test core/pods: list,watch',
  'test-runner test core/pods/log: get',
  'test-runner test core/events: list,watch',
  'test-runner test core/secrets: get',
  'test-runner build batch/jobs: get,list,watch,create,delete',
  'test-runner build core/pods: list,watch',
  'test-runner build core/pods/log: get',
  'test-runner build core/events: list,watch',
  'test-runner build core/secrets: get',
  'deployer sluice-system sluice.dev/applications: list,watch,patch',
  'deployer sluice-system sluice.dev/applications/status: patch',
  'deployer sluice-system sluice.dev/deliveries: get,list,watch,create,patch',
  'deployer sluice-system sluice.dev/deliveries/status: update',
  'deployer sluice-system coordination.k8s.io/leases: get,create,patch',
  'deployer staging apps/deployments: get,list,watch,create,patch',
  'deployer staging core/services: get,list,watch,create,patch',
  'deployer staging core/pods: list,watch',
  'deployer staging core/namespaces: get',
  'deployer production apps/deployments: get,list,watch,create,patch',
  'deployer production core/services: get,list,watch,create,patch',
  'deployer production core/pods: list,watch',
  'deployer production core/namespaces: get',
  'notifier sluice-system sluice.dev/applications: list,watch',
  'notifier sluice-system sluice.dev/deliveries: list,watch,delete',
  'notifier sluice-system sluice.dev/deliveries/status: patch',
  'notifier sluice-system coordination.k8s.io/leases[sluice-notifier-leader]: get,patch',
  'notifier sluice-system coordination.k8s.io/leases: create',
  'notifier staging core/services: get',
  'notifier production core/services: get',
];

const NAMESPACES = { staging: ['staging'], production: ['production'] };

describe('PERMISSIONS', () => {
  it('grants exactly the expected verbs per service, resource and namespace', () => {
    const actual = PERMISSIONS.map((p) => `${p.service} ${p.namespace} ${p.apiGroup || 'core'}/${p.resource}${p.resourceNames ? `[${p.resourceNames.join(',')}]` : ''}: ${p.verbs.join(',')}`);
    expect(actual).toEqual(EXPECTED);
  });

  it('has no wildcard, nothing cluster-wide, and no Secret access but the test-runner reading Secrets by name where its Jobs run and the gateway watching the webhook-secrets namespace', () => {
    const json = JSON.stringify(PERMISSIONS);
    expect(json).not.toContain('*');
    for (const p of PERMISSIONS) {
      if (p.resource.startsWith('secrets') && p.service === 'webhook-gateway') {
        // The per-Application webhook Secrets, in a namespace of their own: list and watch, nowhere else.
        expect([p.namespace, p.resource, p.verbs]).toEqual(['webhook-secrets', 'secrets', ['list', 'watch']]);
        continue;
      }
      if (p.resource.startsWith('secrets')) {
        // Whose repository a push Secret is for, and what its Jobs' Secrets hold (to redact it); it can neither list nor watch Secrets.
        expect([p.service, p.namespace === 'test' || p.namespace === 'build', p.resource, p.verbs]).toEqual(['test-runner', true, 'secrets', ['get']]);
        continue;
      }
      if (p.resource === 'namespaces') {
        // A Role grants `get` on its own Namespace only: the deployer reads a target namespace's labels, nothing cluster-wide.
        expect([p.service, p.namespace === 'staging' || p.namespace === 'production', p.verbs]).toEqual(['deployer', true, ['get']]);
        continue;
      }
      expect(p.resource).not.toMatch(/^(nodes|namespaces|clusterroles|clusterrolebindings|roles|rolebindings|customresourcedefinitions|serviceaccounts)/);
      expect(p.verbs).not.toContain('escalate');
      expect(p.verbs).not.toContain('bind');
      expect(p.verbs).not.toContain('impersonate');
    }
  });

  it('gives the stateless gateway no Lease and nothing outside sluice-system but watching the webhook Secrets', () => {
    const gateway = PERMISSIONS.filter((p) => p.service === 'webhook-gateway');
    expect(gateway.filter((p) => p.namespace !== 'sluice-system').map((p) => `${p.namespace} ${p.resource}`)).toEqual(['webhook-secrets secrets']);
    expect(gateway.some((p) => p.resource === 'leases')).toBe(false);
  });

  it('is frozen, so no caller can widen it at runtime', () => {
    expect(Object.isFrozen(PERMISSIONS)).toBe(true);
    expect(Object.isFrozen(PERMISSIONS[0])).toBe(true);
    expect(Object.isFrozen(PERMISSIONS[0]?.verbs)).toBe(true);
  });
});

describe('roleFor', () => {
  const all = SLUICE_SERVICES.flatMap((s) => roleFor(s, NAMESPACES));

  it('creates Roles only in the namespaces a service touches', () => {
    const where = (s: SluiceService) => roleFor(s, NAMESPACES).map((r) => r.metadata?.namespace);
    expect(where('webhook-gateway')).toEqual(['sluice-system', 'sluice-webhooks']);
    expect(where('test-runner')).toEqual(['sluice-system', 'sluice-test', 'sluice-build']);
    expect(where('deployer')).toEqual(['sluice-system', 'staging', 'production']);
    expect(where('notifier')).toEqual(['sluice-system', 'staging', 'production']);
  });

  it('never produces a ClusterRole or a wildcard, and secrets rules only in the test-runner Roles where its Jobs run and the gateway Role of the webhook-secrets namespace', () => {
    expect(all.every((r) => r.kind === 'Role')).toBe(true);
    expect(JSON.stringify(all)).not.toContain('*');
    const secretRules = all.flatMap((r) => (r.rules ?? []).filter((rule) => rule.resources?.includes('secrets')).map((rule) => [r.metadata?.name, r.metadata?.namespace, rule.verbs]));
    expect(secretRules).toEqual(
      expect.arrayContaining([
        [expect.stringContaining('test-runner'), 'sluice-test', ['get']],
        [expect.stringContaining('test-runner'), 'sluice-build', ['get']],
        [expect.stringContaining('webhook-gateway'), 'sluice-webhooks', ['list', 'watch']],
      ]),
    );
    expect(secretRules).toHaveLength(3);
  });

  it('turns table rows into rules with the same verbs, in the test and the build namespace alike', () => {
    for (const namespace of ['sluice-test', 'sluice-build']) {
      const [role] = roleFor('test-runner', NAMESPACES).filter((r) => r.metadata?.namespace === namespace);
      expect(role?.rules?.filter((rule) => !rule.resources?.includes('secrets')), namespace).toEqual([
        { apiGroups: [''], resources: ['events'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
        { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
      ]);
    }
  });

  it('puts the build Role in the configured build namespace', () => {
    expect(roleFor('test-runner', { ...NAMESPACES, build: 'ci-build' }).map((r) => r.metadata?.namespace)).toEqual(['sluice-system', 'sluice-test', 'ci-build']);
  });

  it('merges rules when one namespace is both staging and production', () => {
    const [role] = roleFor('deployer', { staging: ['apps'], production: ['apps'] }).filter((r) => r.metadata?.namespace === 'apps');
    expect(role?.rules?.filter((r) => r.resources?.[0] === 'deployments')).toEqual([
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'create', 'patch'] },
    ]);
  });

  it('refuses to let the test namespace double as production or sluice-system', () => {
    expect(() => roleFor('deployer', { test: 'production' })).toThrow(/test namespace "production" is also a deploy target; give each its own namespace/);
    expect(() => roleFor('deployer', { test: 'sluice-system' })).toThrow(ManifestError);
    expect(() => roleFor('deployer', { production: ['sluice-system'] })).toThrow(/system namespace/);
  });

  it('refuses to let the build namespace double as any other', () => {
    expect(() => roleFor('test-runner', { build: 'sluice-test' })).toThrow(/build namespace "sluice-test" is also the test namespace/);
    expect(() => roleFor('test-runner', { build: 'sluice-system' })).toThrow(/build namespace "sluice-system" is also the system namespace/);
    expect(() => roleFor('test-runner', { build: 'production' })).toThrow(/build namespace "production" is also a deploy target/);
  });

  it('rejects an unknown service with the valid choices', () => {
    expect(() => roleFor('admin' as SluiceService)).toThrow(/"admin" is not one of "webhook-gateway", "test-runner", "deployer", "notifier"/);
  });

  it('is deterministic regardless of namespace order', () => {
    const a = roleFor('deployer', { production: ['prod-b', 'prod-a'] });
    const b = roleFor('deployer', { production: ['prod-a', 'prod-b'] });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('roleBindingFor', () => {
  it('binds each Role to the service account in sluice-system', () => {
    const bindings = roleBindingFor('deployer', NAMESPACES);
    expect(bindings.map((b) => b.metadata?.namespace)).toEqual(['sluice-system', 'staging', 'production']);
    for (const b of bindings) {
      expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'sluice-deployer' });
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'deployer', namespace: 'sluice-system' }]);
    }
  });

  it('has one binding per Role', () => {
    for (const s of SLUICE_SERVICES) {
      expect(roleBindingFor(s, NAMESPACES).map((b) => b.metadata?.namespace)).toEqual(roleFor(s, NAMESPACES).map((r) => r.metadata?.namespace));
    }
  });
});

describe('serviceAccountFor', () => {
  it('does not automount the token by default', () => {
    const sa = serviceAccountFor('notifier');
    expect(sa.metadata).toMatchObject({ name: 'notifier', namespace: 'sluice-system' });
    expect(sa.automountServiceAccountToken).toBe(false);
  });
});
