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

  it('hands each stored upload to afterUpload before answering, and forgets one it refuses (502 with its message)', async () => {
    const seen: string[] = [];
    const hooked = await startArtifactRegistry(CREDENTIALS, {
      afterUpload: async (repository, sha, artifact) => {
        seen.push(`${repository} ${sha} ${artifact.size}`);
        if (repository === 'team/refused') throw new Error('no image for team/refused');
      },
    });
    try {
      const put = (path: string) => {
        const bytes = Buffer.from('tarball');
        const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        return fetch(`${hooked.url}/${path}`, { method: 'PUT', headers: { authorization: BASIC, 'x-sluice-digest': digest }, body: bytes });
      };
      expect((await put(`team/app/${SHA}.tar.gz`)).status).toBe(201);
      const refused = await put(`team/refused/${SHA}.tar.gz`);
      expect([refused.status, await refused.text()]).toEqual([502, 'no image for team/refused\n']);
      expect(seen).toEqual([`team/app ${SHA} 7`, `team/refused ${SHA} 7`]);
      expect(hooked.get('team/app', SHA)?.size).toBe(7);
      expect(hooked.get('team/refused', SHA)).toBeUndefined();
      expect((await fetch(`${hooked.url}/team/refused/${SHA}.tar.gz`)).status).toBe(404);
    } finally {
      await hooked.close();
    }
  });
});

describe('where the artifact registry listens', () => {
  it('binds the address and port it is given, and says so when the port is taken', async () => {
    const port = Number(new URL(registry.url).port);
    await expect(startArtifactRegistry(CREDENTIALS, { hostname: '127.0.0.1', port })).rejects.toThrow(
      `the artifact registry cannot listen on 127.0.0.1:${port}: the port is taken`,
    );
    const other = await startArtifactRegistry(CREDENTIALS, { hostname: '127.0.0.2', port });
    try {
      expect(other.url).toBe(`http://127.0.0.2:${port}`);
      expect((await fetch(`${other.url}/team/app/${SHA}.tar.gz`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('refuses a port out of range or an empty hostname', async () => {
    await expect(startArtifactRegistry(CREDENTIALS, { port: 70000 })).rejects.toThrow('the artifact registry: port must be an integer in [0, 65535], got 70000');
    await expect(startArtifactRegistry(CREDENTIALS, { hostname: ' ' })).rejects.toThrow('the artifact registry: hostname is empty');
  });
});
