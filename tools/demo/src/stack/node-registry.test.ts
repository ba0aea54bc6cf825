import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseImageRef, tagImage } from './node-registry.js';

const OCI = 'application/vnd.oci.image.manifest.v1+json';
const MANIFEST = JSON.stringify({ schemaVersion: 2, mediaType: OCI, config: { digest: 'sha256:c0' }, layers: [{ digest: 'sha256:l1' }] });

/** A registry that knows `base/node@sha256:m` and records what it is asked. */
let server: Server;
let registry: string;
const calls: string[] = [];
let put: { type?: string; body: string } | undefined;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls.push(`${req.method} ${req.url}`);
      if (req.method === 'GET' && req.url === '/v2/base/node/manifests/sha256:m') return void res.writeHead(200, { 'content-type': OCI }).end(MANIFEST);
      if (req.method === 'POST' && req.url?.startsWith('/v2/demo/app/blobs/uploads/?mount=')) return void res.writeHead(201).end();
      if (req.method === 'PUT' && req.url === '/v2/demo/app/manifests/abc') {
        put = { ...(req.headers['content-type'] !== undefined && { type: req.headers['content-type'] }), body };
        return void res.writeHead(201).end();
      }
      res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('tagging an image in the node registry', () => {
  it('mounts the config and every layer into the new repository, then puts the same manifest under the tag', async () => {
    await tagImage(`${registry}/base/node@sha256:m`, `${registry}/demo/app:abc`);
    expect(calls).toEqual([
      'GET /v2/base/node/manifests/sha256:m',
      'POST /v2/demo/app/blobs/uploads/?mount=sha256%3Ac0&from=base%2Fnode',
      'POST /v2/demo/app/blobs/uploads/?mount=sha256%3Al1&from=base%2Fnode',
      'PUT /v2/demo/app/manifests/abc',
    ]);
    expect(put).toEqual({ type: OCI, body: MANIFEST });
  });

  it('says which step failed, and refuses references it cannot use', async () => {
    await expect(tagImage(`${registry}/base/missing@sha256:m`, `${registry}/demo/app:abc`)).rejects.toThrow(
      `reading ${registry}/base/missing@sha256:m: the registry answered 404 {"errors":[{"code":"MANIFEST_UNKNOWN"}]}`,
    );
    await expect(tagImage(`${registry}/base/node@sha256:m`, 'other.test:5000/demo/app:abc')).rejects.toThrow('they are in different registries');
    expect(() => parseImageRef(`${registry}/demo/app`)).toThrow('is not an image reference of the form <registry>/<repository>:<tag>');
    expect(parseImageRef('10.240.3.2:5000/sluice/node@sha256:ab')).toEqual({ registry: '10.240.3.2:5000', repository: 'sluice/node', reference: 'sha256:ab' });
  });
});
