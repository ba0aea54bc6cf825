import { createServer, type Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { RequestContext } from '@kubernetes/client-node';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from './client.js';
import { ConnectionPool } from './connection-pool.js';
import { loadKubeConfig } from './kubeconfig.js';

/** A stand-in apiserver that counts TCP connections and answers every GET with a ConfigMap. */
async function countingServer(): Promise<{ server: Server; url: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/api/v1/namespaces/default/configmaps/')) {
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } }));
    } else {
      res.end(JSON.stringify({ resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }] }));
    }
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

describe('KubeClient connections', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function connectionsFor20Gets(): Promise<number> {
    const fake = await countingServer();
    server = fake.server;
    const kubeConfig = loadKubeConfig({ mode: 'explicit', server: fake.url });
    const client = new KubeClient({ kubeConfig, fieldManager: 'test' });
    for (let i = 0; i < 20; i++) await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'x' });
    server.closeAllConnections();
    return fake.connections();
  }

  it('sends sequential API calls over one kept-alive connection, not one connection each', async () => {
    expect(await connectionsFor20Gets()).toBe(1);
  });
});

describe('ConnectionPool', () => {
  /** What client-node hands over per request: a context holding a throwaway agent with the cluster's TLS settings. */
  function contextWith(agent: HttpsAgent) {
    let current = agent;
    const context = { getAgent: () => current, setAgent: (next: HttpsAgent) => void (current = next) };
    return context as unknown as RequestContext & typeof context;
  }

  it('keeps one HTTPS agent while the TLS settings stay the same, with them as a prebuilt secure context, and a new one when they change', () => {
    const pool = new ConnectionPool();
    const first = contextWith(new HttpsAgent({ rejectUnauthorized: true, servername: 'kubernetes' }));
    const second = contextWith(new HttpsAgent({ rejectUnauthorized: true, servername: 'kubernetes' }));
    pool.adopt(first);
    pool.adopt(second);
    const shared = first.getAgent() as HttpsAgent;
    expect(second.getAgent()).toBe(shared);
    expect(shared.options).toMatchObject({ keepAlive: true, servername: 'kubernetes', secureContext: expect.anything() });
    expect(shared.options.ca).toBeUndefined();

    const rotated = contextWith(new HttpsAgent({ rejectUnauthorized: false, servername: 'kubernetes' }));
    pool.adopt(rotated);
    expect(rotated.getAgent()).not.toBe(shared);
    pool.destroy();
  });
});
