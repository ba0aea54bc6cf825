import { createServer } from 'node:net';
import { KubeClient, createKubeClient, resourcePath, type KubeObject } from '@sluice/kube';
import { loadKubeConfig } from '@sluice/kube/testing';
import { adminClient, createNamespace, deleteNamespace, waitForObject } from '@sluice/local-cluster/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readLogTail } from './logs.js';

type Pod = KubeObject & { status?: { containerStatuses?: { name: string; state?: { terminated?: object } }[] } };

const kubeconfig = inject('kubeconfig');
const client = adminClient(kubeconfig, 'test-runner-logs-test');
let ns = '';

beforeAll(async () => {
  ns = await createNamespace(client, 'runner-logs');
  await client.create<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'tests', namespace: ns },
    spec: { restartPolicy: 'Never', containers: [{ name: 'test', image: 'local', command: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo "line $i"; done'] }] },
  });
  await waitForObject<Pod>(
    client,
    resourcePath({ apiVersion: 'v1', plural: 'pods', namespace: ns }),
    (p) => p.metadata.name === 'tests' && p.status?.containerStatuses?.some((c) => c.name === 'test' && c.state?.terminated) === true,
  );
});
afterAll(async () => {
  if (ns) await deleteNamespace(client, ns);
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('readLogTail', () => {
  it('keeps only the last lines of the container log, within the byte limit', async () => {
    expect(await readLogTail(client, { namespace: ns, pod: 'tests', container: 'test', tailLines: 3, limitBytes: 1024 })).toBe('line 8\nline 9\nline 10\n');
    expect(await readLogTail(client, { namespace: ns, pod: 'tests', container: 'test', tailLines: 3, limitBytes: 4 })).toBe('line');
  });

  it('gives no tail, instead of failing the stage, when the log cannot be read', async () => {
    expect(await readLogTail(client, { namespace: ns, pod: 'gone', container: 'test', tailLines: 3, limitBytes: 1024 })).toBeUndefined();
    expect(await readLogTail(client, { namespace: ns, pod: 'tests', container: 'nope', tailLines: 3, limitBytes: 1024 })).toBeUndefined();
    const unreachable = createKubeClient({ mode: 'explicit', server: `http://127.0.0.1:${await closedPort()}` }, { fieldManager: 'test-runner-logs-test' });
    expect(await readLogTail(unreachable, { namespace: ns, pod: 'tests', container: 'test', tailLines: 3, limitBytes: 1024 })).toBeUndefined();
    // Credentials from an exec plugin that fails: no tail, not an error out of the reconcile.
    const noCredentials = loadKubeConfig({ mode: 'file', path: kubeconfig });
    const cluster = noCredentials.getCurrentCluster();
    noCredentials.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'broken', exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'false', interactiveMode: 'Never' } }],
      contexts: [{ name: 'broken', cluster: cluster?.name, user: 'broken' }],
      currentContext: 'broken',
    });
    expect(await readLogTail(new KubeClient({ kubeConfig: noCredentials, fieldManager: 'test-runner-logs-test' }), { namespace: ns, pod: 'tests', container: 'test', tailLines: 3, limitBytes: 1024 })).toBeUndefined();
  });
});
