import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serviceAccountKubeconfig } from './service-account.js';
import { adminKubeConfig, createTestNamespace } from './testing/index.js';

const adminPath = inject('kubeconfig');
const admin = adminKubeConfig(adminPath);

describe('a kubeconfig for a ServiceAccount', () => {
  let ns: string;
  let dir: string;
  let kc: KubeConfig;
  beforeAll(async () => {
    ns = await createTestNamespace(admin, 'sa-kubeconfig');
    dir = await mkdtemp(join(tmpdir(), 'sa-kubeconfig-'));
    await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'reader' } } });
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({ namespace: ns, body: { metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }] } });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: { metadata: { name: 'reader' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }] },
    });
    const path = await serviceAccountKubeconfig({ adminKubeconfigPath: adminPath, namespace: ns, serviceAccount: 'reader', path: join(dir, 'reader.kubeconfig') });
    kc = new KubeConfig();
    kc.loadFromFile(path);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('authenticates as that ServiceAccount, with a bound token', async () => {
    const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(`system:serviceaccount:${ns}:reader`);
  });

  it('is allowed exactly what its Role grants', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    // The authorizer learns of the new Role through its informer: allowed within moments, not at once.
    await expect.poll(() => core.listNamespacedConfigMap({ namespace: ns }).then(() => true, () => false), { timeout: 15_000, interval: 100 }).toBe(true);
    await expect(core.listNamespacedSecret({ namespace: ns })).rejects.toMatchObject({ code: 403 });
  });
});
