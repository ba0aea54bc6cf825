/**
 * The local "registry" the archive build uploads to: a node:http server on
 * 127.0.0.1 that stores `PUT /<repository>/<sha>.tar.gz` under a directory
 * (with the image name and digest the build sent) and serves them back.
 * Basic auth required, like a real registry.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';

export const REGISTRY_USER = 'sluice-builder';
export const REGISTRY_PASSWORD = 'registry-test-password';

/** A stored artifact. */
export interface Artifact {
  readonly image: string;
  readonly digest: string;
  readonly bytes: Buffer;
}

/** A running artifact registry. */
export interface ArtifactRegistry {
  readonly url: string;
  readonly dir: string;
  /** The artifact stored for `<repository>/<sha>`, if any. */
  get(repository: string, sha: string): Artifact | undefined;
  close(): Promise<void>;
}

/** Starts the registry on 127.0.0.1 with an ephemeral port, storing under a fresh temp directory. */
export async function startArtifactRegistry(): Promise<ArtifactRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-registry-'));
  const expected = `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    if (path.startsWith('..') || !path.endsWith('.tar.gz')) return void res.writeHead(400).end();
    if (req.method !== 'PUT') return void res.writeHead(405).end();
    if (req.headers.authorization !== expected) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="registry"' }).end();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      if (req.headers['x-sluice-digest'] !== digest) return void res.writeHead(422).end('digest mismatch\n');
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      writeFileSync(`${file}.json`, JSON.stringify({ image: req.headers['x-sluice-image'], digest }));
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    dir,
    get(repository, sha) {
      const file = join(dir, repository, `${sha}.tar.gz`);
      if (!existsSync(file)) return undefined;
      const meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { image: string; digest: string };
      return { ...meta, bytes: readFileSync(file) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
