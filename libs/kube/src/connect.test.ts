import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeClient, kubeClientFromEnv } from './connect.js';
import { isKubeError } from './errors.js';

/** A plain-HTTP apiserver stand-in that answers pod log requests and remembers what it was asked. */
async function logServer(): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url?.includes('/pods/gone/')) res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', reason: 'NotFound', code: 404, message: 'pods "gone" not found' }));
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('line 9\nline 10\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

let server: Server | undefined;
afterEach(() => void server?.closeAllConnections());

describe('clients, not configs', () => {
  it('reads a container log through the client, with the options as query parameters', async () => {
    const { url, asked } = await logServer();
    const client = createKubeClient({ mode: 'explicit', server: url }, { fieldManager: 'test' });
    expect(await client.readPodLog({ namespace: 'ns', pod: 'p', container: 'test', tailLines: 2 })).toBe('line 9\nline 10\n');
    expect(asked).toEqual(['/api/v1/namespaces/ns/pods/p/log?container=test&tailLines=2']);
    const missing = await client.readPodLog({ namespace: 'ns', pod: 'gone', container: 'test' }).catch((e: unknown) => e);
    expect(isKubeError(missing, 'NotFound')).toBe(true);
  });

  it('follows a log through the client until the server ends it', async () => {
    const { url, asked } = await logServer();
    let text = '';
    const stream = await createKubeClient({ mode: 'explicit', server: url }, { fieldManager: 'test' }).streamPodLog({ namespace: 'ns', pod: 'p' }, (t) => (text += t));
    await stream.done;
    expect(text).toBe('line 9\nline 10\n');
    expect(asked).toEqual(['/api/v1/namespaces/ns/pods/p/log?follow=true']);
  });

  it('builds an app client from the environment (KUBECONFIG) and refuses a kubeconfig without a usable context', async () => {
    const { url } = await logServer();
    const dir = mkdtempSync(join(tmpdir(), 'kube-connect-'));
    const file = join(dir, 'config');
    writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "${url}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`);
    expect(await kubeClientFromEnv({ KUBECONFIG: file }, { fieldManager: 'test' }).readPodLog({ namespace: 'ns', pod: 'p' })).toBe('line 9\nline 10\n');
    writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    expect(() => kubeClientFromEnv({ KUBECONFIG: file }, { fieldManager: 'test' })).toThrow(/no usable current context/);
  });
});
