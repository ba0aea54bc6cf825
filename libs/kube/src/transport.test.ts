import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKubeConfig } from './kubeconfig.js';
import { KubeTransport } from './transport.js';
import { apiWatchSource } from './watch-source.js';

/** A plain-HTTP stand-in for the apiserver's wire behaviour, answering each request with `answer`. */
async function serve(answer: (req: IncomingMessage, body: string) => { status: number; body: unknown } | undefined): Promise<{ server: Server; url: string; seen: { method: string; body: string; socket: number }[] }> {
  const seen: { method: string; body: string; socket: number }[] = [];
  const sockets = new Map<unknown, number>();
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
    seen.push({ method: req.method ?? '', body, socket: sockets.get(req.socket) as number });
    const reply = answer(req, body);
    if (reply) res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

let server: Server | undefined;
afterEach(() => void server?.closeAllConnections());

describe('KubeTransport on the wire', () => {
  it('sends a DELETE body with its length, so the next request on the kept-alive connection arrives intact', async () => {
    const stub = await serve((req, body) => ({ status: 200, body: { method: req.method, body } }));
    server = stub.server;
    const transport = new KubeTransport(loadKubeConfig({ mode: 'explicit', server: stub.url }));
    await transport.request({ method: 'DELETE', path: '/api/v1/namespaces/a/configmaps/x', body: { propagationPolicy: 'Background' } });
    const second = await transport.request<{ method: string }>({ method: 'GET', path: '/api/v1/namespaces/a/configmaps' });
    expect(second.method).toBe('GET');
    expect(stub.seen.map((s) => [s.method, s.body, s.socket])).toEqual([
      ['DELETE', '{"propagationPolicy":"Background"}', 0],
      ['GET', '', 0],
    ]);
  });

  it('gives up on a server that never answers after its timeout, as Unavailable', async () => {
    const stub = await serve(() => undefined);
    server = stub.server;
    const transport = new KubeTransport(loadKubeConfig({ mode: 'explicit', server: stub.url }), 200);
    const started = performance.now();
    await expect(transport.request({ method: 'GET', path: '/api/v1/namespaces' })).rejects.toMatchObject({ code: 'Unavailable' });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('turns an error status into a KubeError with the Status it carried', async () => {
    const stub = await serve(() => ({ status: 409, body: { kind: 'Status', reason: 'AlreadyExists', message: 'configmaps "x" already exists', code: 409 } }));
    server = stub.server;
    const transport = new KubeTransport(loadKubeConfig({ mode: 'explicit', server: stub.url }));
    await expect(transport.request({ method: 'POST', path: '/api/v1/namespaces/a/configmaps', body: {} })).rejects.toMatchObject({ code: 'AlreadyExists', status: 409 });
  });
});

describe('KubeTransport authentication', () => {
  it('sends the kubeconfig token on every call, and takes up a rotated one as soon as the server refuses the old', async () => {
    const stub = await serve((req) => (req.headers.authorization === `Bearer ${current}` ? { status: 200, body: {} } : { status: 401, body: { kind: 'Status', reason: 'Unauthorized', code: 401 } }));
    server = stub.server;
    let current = 'first';
    const kc = loadKubeConfig({ mode: 'explicit', server: stub.url, token: 'first' });
    const transport = new KubeTransport(kc);
    await transport.request({ method: 'GET', path: '/api/v1/namespaces' });
    await transport.request({ method: 'GET', path: '/api/v1/namespaces' });
    current = 'second';
    (kc.getCurrentUser() as { token?: string }).token = 'second';
    await expect(transport.request({ method: 'GET', path: '/api/v1/namespaces' })).rejects.toMatchObject({ status: 401 });
    await transport.request({ method: 'GET', path: '/api/v1/namespaces' });
    expect(stub.seen).toHaveLength(4);
  });

  it('keeps the query of each call, encoded, and leaves out the undefined values', async () => {
    const urls: string[] = [];
    const stub = await serve((req) => (urls.push(req.url ?? ''), { status: 200, body: {} }));
    server = stub.server;
    const transport = new KubeTransport(loadKubeConfig({ mode: 'explicit', server: stub.url }));
    await transport.request({ method: 'GET', path: '/api/v1/namespaces/a/pods', query: { labelSelector: 'app=x,tier in (web)', limit: 5, continue: undefined } });
    expect(urls).toEqual(['/api/v1/namespaces/a/pods?labelSelector=app%3Dx%2Ctier%20in%20(web)&limit=5']);
  });
});

describe('KubeTransport streams (watches)', () => {
  /** A server that answers a watch with `parts` written one by one, then ends (or stays open). */
  async function streaming(parts: readonly (string | Buffer)[], keepOpen = false): Promise<string> {
    const stub = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let i = 0;
      const next = (): void => {
        if (i < parts.length) res.write(parts[i++], () => setTimeout(next, 5));
        else if (!keepOpen) res.end();
      };
      next();
    });
    server = stub;
    stub.listen(0, '127.0.0.1');
    await once(stub, 'listening');
    return `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  }

  it('delivers whole events even when the server splits lines (and a multi-byte character) across writes', async () => {
    const modified = Buffer.from('FIED","object":{"n":"éè"}}\n');
    const inside = modified.indexOf(Buffer.from('é')) + 1; // between the two bytes of "é"
    const url = await streaming(['{"type":"ADDED","object":{"n":"a"}}\n{"type":"MODI', modified.subarray(0, inside), modified.subarray(inside), '\n']);
    const source = apiWatchSource(new KubeTransport(loadKubeConfig({ mode: 'explicit', server: url })));
    const events: [string, unknown][] = [];
    const done = new Promise((resolve) => void source.watch('/api/v1/configmaps', {}, (type, object) => events.push([type, object]), resolve));
    expect(await done).toBeNull();
    expect(events).toEqual([
      ['ADDED', { n: 'a' }],
      ['MODIFIED', { n: 'éè' }],
    ]);
  });

  it('ends the watch with an error on a line that is not JSON, and stops delivering', async () => {
    const url = await streaming(['{"type":"ADDED","object":{}}\n', 'not json\n', '{"type":"ADDED","object":{}}\n'], true);
    const source = apiWatchSource(new KubeTransport(loadKubeConfig({ mode: 'explicit', server: url })));
    const events: string[] = [];
    const err = await new Promise((resolve) => void source.watch('/api/v1/configmaps', {}, (type) => events.push(type), resolve));
    expect(err).toMatchObject({ message: expect.stringContaining('not JSON') });
    expect(events).toEqual(['ADDED']);
  });

  it('reports an abort through the end callback, once', async () => {
    const url = await streaming(['{"type":"ADDED","object":{}}\n'], true);
    const transport = new KubeTransport(loadKubeConfig({ mode: 'explicit', server: url }));
    const ends: unknown[] = [];
    const handle = await transport.stream({ path: '/api/v1/configmaps' }, () => undefined, (err) => ends.push(err));
    handle.abort();
    handle.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ends).toEqual([expect.objectContaining({ name: 'AbortError' })]);
  });

  it('rejects a refused watch with the Status the server sent', async () => {
    const stub = await serve(() => ({ status: 403, body: { kind: 'Status', reason: 'Forbidden', message: 'cannot watch resource "configmaps"', code: 403 } }));
    server = stub.server;
    const transport = new KubeTransport(loadKubeConfig({ mode: 'explicit', server: stub.url }));
    await expect(transport.stream({ path: '/api/v1/configmaps' }, () => undefined, () => undefined)).rejects.toMatchObject({ code: 'Forbidden', message: expect.stringContaining('cannot watch') });
  });
});
