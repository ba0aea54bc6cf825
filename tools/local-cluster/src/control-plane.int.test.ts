import { randomUUID } from 'node:crypto';
import {
  AuthenticationV1Api,
  CoreV1Api,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1Pod,
  type V1ResourceQuota,
} from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { adminKubeConfig, createTestNamespace, waitFor } from './testing/index.js';

const kc = adminKubeConfig(inject('kubeconfig'));
const core = kc.makeApiClient(CoreV1Api);

/** A KubeConfig that authenticates with a bearer token instead of the admin certificate. */
function tokenKubeConfig(token: string): KubeConfig {
  const cluster = kc.getCurrentCluster()!;
  const tokenKc = new KubeConfig();
  tokenKc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'sa', token }],
    contexts: [{ name: 'sa', cluster: cluster.name, user: 'sa' }],
    currentContext: 'sa',
  });
  return tokenKc;
}

function statusOf(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

/** The `message` of the Kubernetes Status object a refused call carried. */
function messageOf(err: unknown): string {
  return (JSON.parse(String((err as { body?: string }).body)) as { message: string }).message;
}

describe('the local control plane', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createTestNamespace(kc, 'cp');
  });

  it('enforces RBAC for a ServiceAccount token: allowed verbs succeed, others get 403', async () => {
    await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'reader' } } });
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'configmap-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: ns }],
      },
    });
    const request = await core.createNamespacedServiceAccountToken({
      name: 'reader',
      namespace: ns,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const asReader = tokenKubeConfig(request.status!.token).makeApiClient(CoreV1Api);

    const who = await tokenKubeConfig(request.status!.token)
      .makeApiClient(AuthenticationV1Api)
      .createSelfSubjectReview({ body: {} });
    expect(who.status?.userInfo?.username).toBe(`system:serviceaccount:${ns}:reader`);
    // The authorizer learns of the new Role through its informer: allowed within moments, not at once.
    await expect.poll(() => asReader.listNamespacedConfigMap({ namespace: ns }).then(() => true, () => false), { timeout: 15_000, interval: 100 }).toBe(true);
    const denied = await asReader
      .createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'nope' } } })
      .catch((err: unknown) => err);
    expect(statusOf(denied)).toBe(403);
    expect(messageOf(denied)).toContain('cannot create resource "configmaps"');
  });

  it('enforces ResourceQuota: a pod beyond `pods: 1` is refused with "exceeded quota"', async () => {
    await core.createNamespacedResourceQuota({
      namespace: ns,
      body: { metadata: { name: 'one-pod' }, spec: { hard: { pods: '1' } } },
    });
    // Admission only counts once the quota controller has published status.hard.
    await waitFor<V1ResourceQuota>(kc, `/api/v1/namespaces/${ns}/resourcequotas`, (q) => !!q.status?.hard?.pods);
    const pod = (name: string): V1Pod => ({
      metadata: { name, annotations: { 'sim.sluice.dev/never-ready': 'true' } },
      spec: { containers: [{ name: 'main', image: 'local', command: ['sleep', '30'] }] },
    });
    await core.createNamespacedPod({ namespace: ns, body: pod(`first-${randomUUID().slice(0, 8)}`) });
    const refused = await core.createNamespacedPod({ namespace: ns, body: pod('second') }).catch((e: unknown) => e);
    expect(statusOf(refused)).toBe(403);
    expect(messageOf(refused)).toMatch(/exceeded quota: one-pod, requested: pods=1, used: pods=1, limited: pods=1/);
  });
});
