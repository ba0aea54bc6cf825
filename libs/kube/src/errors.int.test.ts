import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeClient } from './client.js';
import type { KubeError } from './errors.js';
import { adminClient, createNamespace, rejectionOf, waitForObject } from './kube.testkit.js';
import { loadKubeConfig } from './kubeconfig.js';
import { resourcePath } from './paths.js';
import type { KubeObject } from './types.js';

const client = adminClient('sluice-errors-test');
let ns: string;

beforeAll(async () => {
  ns = await createNamespace(client, 'kube-errors');
});
afterAll(async () => {
  if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
});

const configMap = (name: string, namespace = ns): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: {} });

describe('errors from a real apiserver map to the closed set, with the Status message kept', () => {
  it('404 → NotFound', async () => {
    const err = await rejectionOf(client.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'absent' }, { data: {} }));
    expect(err).toMatchObject({ code: 'NotFound', status: 404, reason: 'NotFound', message: 'configmaps "absent" not found' });
    expect(err.details?.details).toMatchObject({ name: 'absent', kind: 'configmaps' });
  });

  it('409 on create → AlreadyExists', async () => {
    await client.create(configMap('dup'));
    await expect(client.create(configMap('dup'))).rejects.toMatchObject({
      code: 'AlreadyExists',
      status: 409,
      reason: 'AlreadyExists',
      message: 'configmaps "dup" already exists',
    });
  });

  it('409 on a stale resourceVersion → Conflict', async () => {
    const created = await client.create(configMap('stale'));
    await client.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'stale' }, { data: { bump: '1' } });
    const stalePatch = { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { mine: '1' } };
    await expect(client.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'stale' }, stalePatch)).rejects.toMatchObject({
      code: 'Conflict',
      status: 409,
      reason: 'Conflict',
      message: expect.stringContaining('the object has been modified'),
    });
  });

  it('422 → Invalid, with the field causes', async () => {
    const err = await rejectionOf(client.create(configMap('Not_A_Valid_Name')));
    expect(err).toMatchObject({ code: 'Invalid', status: 422, reason: 'Invalid' });
    expect(err.message).toContain('ConfigMap "Not_A_Valid_Name" is invalid');
    expect(err.details?.details?.causes?.[0]?.field).toBe('metadata.name');
  });

  it('403 for a ServiceAccount without RBAC (impersonated) → Forbidden, on requests and on watches', async () => {
    const nobody = adminClient('sluice-errors-test', `system:serviceaccount:${ns}:nobody`);
    const err = await rejectionOf(nobody.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }));
    expect(err).toMatchObject({ code: 'Forbidden', status: 403, reason: 'Forbidden' });
    expect(err.message).toContain(`User "system:serviceaccount:${ns}:nobody" cannot list resource "configmaps"`);

    // Allow list but not watch, so the informer's list passes and its watch (a
    // streamed request of its own) must carry the impersonation to be refused.
    await client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'list-only', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
    });
    await client.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'nobody-list-only', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'list-only' },
      subjects: [{ kind: 'ServiceAccount', name: 'nobody', namespace: ns }],
    });
    // The authorizer learns of new RBAC objects through its informer: allowed within moments, not at once.
    const listAllowed = () => nobody.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }).then(() => true, () => false);
    await expect.poll(listAllowed, { timeout: 15_000, interval: 100 }).toBe(true);
    const errors = await new Promise<KubeError[]>((resolve) => {
      const seen: KubeError[] = [];
      const inf = nobody.informer({
        path: resourcePath({ apiVersion: 'v1', plural: 'configmaps', namespace: ns }),
        onEvent: () => undefined,
        onError: (e) => {
          seen.push(e);
          inf.stop();
          resolve(seen);
        },
      });
    });
    expect(errors[0]).toMatchObject({ code: 'Forbidden', status: 403 });
    expect(errors[0]?.message).toContain(`cannot watch resource "configmaps"`);
  });

  it('403 "exceeded quota" → QuotaExceeded', async () => {
    const quotaNs = await createNamespace(client, 'kube-quota');
    try {
      await client.create({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'no-configmaps', namespace: quotaNs }, spec: { hard: { configmaps: '0' } } });
      // Admission only enforces a quota once the quota controller has filled in status.hard.
      await waitForObject<KubeObject & { status?: { hard?: Record<string, string> } }>(
        client,
        resourcePath({ apiVersion: 'v1', plural: 'resourcequotas', namespace: quotaNs }),
        (q) => q.status?.hard?.['configmaps'] === '0',
      );
      const err = await rejectionOf(client.create(configMap('over-quota', quotaNs)));
      expect(err).toMatchObject({ code: 'QuotaExceeded', status: 403, reason: 'Forbidden' });
      expect(err.message).toMatch(/exceeded quota: no-configmaps, requested: configmaps=1/);
    } finally {
      await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: quotaNs });
    }
  });

  it('an unreachable apiserver → Unavailable', async () => {
    const kc = loadKubeConfig({ mode: 'file', path: inject('kubeconfig') });
    // Same credentials, but a loopback port nobody listens on: a real refused connection.
    kc.clusters = kc.clusters.map((c) => ({ ...c, server: 'https://127.0.0.1:1' }));
    const offline = new KubeClient({ kubeConfig: kc, fieldManager: 'x' });
    await expect(offline.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' })).rejects.toMatchObject({
      code: 'Unavailable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
