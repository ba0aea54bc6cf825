import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArtifactRegistry, type ArtifactRegistry } from './artifact-registry.js';

const CREDENTIALS = { username: 'sluice-builder', password: 'registry-test-password' };
const BASIC = `Basic ${Buffer.from('sluice-builder:registry-test-password').toString('base64')}`;
const SHA = 'c0ffee0000000000000000000000000000000001';

let registry: ArtifactRegistry;
beforeAll(async () => {
  registry = await startArtifactRegistry(CREDENTIALS);
});
afterAll(async () => {
  await registry?.close();
});

/** An upload as the archive build Job sends it (curl -T with the image and digest headers). */
function upload(path: string, bytes: Buffer, headers: Record<string, string> = {}) {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return fetch(`${registry.url}/${path}`, {
    method: 'PUT',
    headers: { authorization: BASIC, 'x-sluice-digest': digest, 'x-sluice-image': `team/app:${SHA}`, ...headers },
    body: bytes,
  });
}

describe('the artifact registry', () => {
  it('stores an authenticated upload whose digest matches, and serves the same bytes back to anyone', async () => {
    const bytes = Buffer.from('a gzipped tarball, as far as the registry cares');
    expect((await upload(`team/app/${SHA}.tar.gz`, bytes)).status).toBe(201);

    expect(registry.get('team/app', SHA)).toEqual({ image: `team/app:${SHA}`, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, size: bytes.length });
    const pulled = await fetch(`${registry.url}/team/app/${SHA}.tar.gz`);
    expect(pulled.status).toBe(200);
    expect(Buffer.from(await pulled.arrayBuffer())).toEqual(bytes);
  });

  it('refuses uploads without the credentials or with a digest that does not match, and stores nothing', async () => {
    const path = `team/refused/${SHA}.tar.gz`;
    expect((await upload(path, Buffer.from('x'), { authorization: '' })).status).toBe(401);
    expect((await upload(path, Buffer.from('x'), { authorization: `Basic ${Buffer.from('sluice-builder:wrong').toString('base64')}` })).status).toBe(401);
    expect((await upload(path, Buffer.from('x'), { 'x-sluice-digest': `sha256:${'0'.repeat(64)}` })).status).toBe(422);

    expect(registry.get('team/refused', SHA)).toBeUndefined();
    expect((await fetch(`${registry.url}/${path}`)).status).toBe(404);
  });

  it('answers 400 to a path it cannot decode (a stray %) and keeps serving', async () => {
    expect((await fetch(`${registry.url}/team/app/%zz.tar.gz`)).status).toBe(400);
    expect((await upload('team/app/100%.tar.gz', Buffer.from('x'))).status).toBe(400);

    // The process did not crash: the next upload and pull work.
    expect((await upload(`team/after/${SHA}.tar.gz`, Buffer.from('y'))).status).toBe(201);
    expect(await (await fetch(`${registry.url}/team/after/${SHA}.tar.gz`)).text()).toBe('y');
  });

  it('only knows <repository>/<sha>.tar.gz, by GET and PUT', async () => {
    expect((await fetch(`${registry.url}/team/app/${SHA}.zip`)).status).toBe(400);
    expect((await fetch(`${registry.url}/${SHA}.tar.gz`)).status).toBe(400);
    expect((await fetch(`${registry.url}/team/app/${'f'.repeat(40)}.tar.gz`)).status).toBe(404);
    expect((await fetch(`${registry.url}/team/app/${SHA}.tar.gz`, { method: 'DELETE', headers: { authorization: BASIC } })).status).toBe(405);
  });
});
