/**
 * Where the local ("archive") build puts its image: a node:http server on
 * 127.0.0.1 that stores `PUT /<repository>/<sha>.tar.gz` (Basic auth, digest
 * checked, as the test-runner's archive build sends it) and serves it back
 * with `GET`, which is how the deployed pods "pull the image" — the node
 * agent ignores images, so a pod's command downloads and unpacks the build
 * of its own revision.
 *
 * Adapted from the test-runner's integration-test registry
 * (apps/test-runner/src/testing/artifact-registry.ts), plus GET.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';

/** Credentials the build Job uploads with (mounted from the registry Secret). */
export const REGISTRY_CREDENTIALS = { username: 'sluice-builder', password: 'demo-registry-password' } as const;

/** A running artifact registry. */
export interface ArtifactRegistry {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Images stored so far, `<repository>:<sha>` → digest. */
  images(): ReadonlyMap<string, string>;
  close(): Promise<void>;
}

/** Starts the registry on 127.0.0.1 with an ephemeral port, storing under a fresh temp directory. */
export async function startArtifactRegistry(): Promise<ArtifactRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-registry-'));
  const images = new Map<string, string>();
  const expected = `Basic ${Buffer.from(`${REGISTRY_CREDENTIALS.username}:${REGISTRY_CREDENTIALS.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^\/+/, '');
    if (path.startsWith('..') || !path.endsWith('.tar.gz')) return void res.writeHead(400).end();
    if (req.method === 'GET') return void serve(join(dir, path), res);
    if (req.method !== 'PUT') return void res.writeHead(405).end();
    if (req.headers.authorization !== expected) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="registry"' }).end();
    void store(dir, path, req, res, images);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    images: () => new Map(images),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function store(dir: string, path: string, req: IncomingMessage, res: ServerResponse, images: Map<string, string>): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (req.headers['x-sluice-digest'] !== digest) return void res.writeHead(422).end('digest mismatch\n');
  const file = join(dir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, bytes);
  images.set(String(req.headers['x-sluice-image'] ?? path), digest);
  res.writeHead(201).end();
}

async function serve(file: string, res: ServerResponse): Promise<void> {
  const found = await stat(file).catch(() => undefined);
  if (!found?.isFile()) return void res.writeHead(404).end('no such artifact\n');
  res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(found.size) });
  createReadStream(file).pipe(res);
}
