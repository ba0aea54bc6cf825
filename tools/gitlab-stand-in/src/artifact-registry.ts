/**
 * The package registry a GitLab project would host, for the test-runner's
 * local ("archive") build: a node:http server (on 127.0.0.1 unless told otherwise) that stores
 * `PUT /<repository>/<sha>.tar.gz` (Basic auth; the body's sha256 must match
 * the `X-Sluice-Digest` header, as the build Job sends it) and serves it back
 * with `GET` — anonymously, like a public project's packages — which is how
 * the demo's pods get their build (a pod's command downloads and unpacks the
 * build of its own revision).
 *
 * A request it cannot make sense of gets a 4xx, never an exception: the demo
 * runs this in its own process.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { listen, type ListenOptions } from './listen.js';

/** The username and password uploads must carry (the build Job's registry Secret). */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** What an upload stored. */
export interface StoredArtifact {
  /** The image the build named (`X-Sluice-Image`), e.g. `registry.local/team/app:<sha>`. */
  readonly image: string;
  /** `sha256:<hex>` of the stored bytes. */
  readonly digest: string;
  readonly size: number;
}

/** Options of {@link startArtifactRegistry}: where it listens, and what it does with an upload. */
export interface ArtifactRegistryOptions extends ListenOptions {
  /**
   * Called with each upload once it is stored, before it is answered: a
   * rejection answers 502 with its message and forgets the upload (the build
   * then fails as on any failed upload).
   */
  readonly afterUpload?: (repository: string, sha: string, artifact: StoredArtifact) => Promise<void>;
}

/** A running artifact registry. */
export interface ArtifactRegistry {
  /** `http://<address>:<port>`: the build uploads to `<url>/<repository>/<sha>.tar.gz`. */
  readonly url: string;
  /** The artifact stored for `<repository>/<sha>.tar.gz`, if any. */
  get(repository: string, sha: string): StoredArtifact | undefined;
  /** Stops the server and removes what it stored. */
  close(): Promise<void>;
}

/** Starts the registry (by default on 127.0.0.1 with an ephemeral port), storing under a fresh temporary directory. */
export async function startArtifactRegistry(credentials: RegistryCredentials, options: ArtifactRegistryOptions = {}): Promise<ArtifactRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-registry-'));
  const stored = new Map<string, StoredArtifact>();
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('registry error\n');
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = artifactPath(req.url);
    if (path === undefined) return void res.writeHead(400).end('expected /<repository>/<sha>.tar.gz\n');
    if (req.method === 'GET') return serve(join(dir, path), res);
    if (req.method !== 'PUT') return void res.writeHead(405, { Allow: 'GET, PUT' }).end();
    if (req.headers.authorization !== authorization) return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="registry"' }).end();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (req.headers['x-sluice-digest'] !== digest) return void res.writeHead(422).end('digest mismatch\n');
    const file = join(dir, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, bytes);
    const image = req.headers['x-sluice-image'];
    const artifact = { image: typeof image === 'string' && image !== '' ? image : imageOf(path), digest, size: bytes.length };
    stored.set(path, artifact);
    if (options.afterUpload) {
      const slash = path.lastIndexOf('/');
      const failed = await options.afterUpload(path.slice(0, slash), path.slice(slash + 1, -'.tar.gz'.length), artifact).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      if (failed !== undefined) {
        stored.delete(path);
        await rm(file, { force: true });
        return void res.writeHead(502).end(`${failed}\n`);
      }
    }
    res.writeHead(201).end();
  }

  const url = await listen(server, 'the artifact registry', options).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url,
    get: (repository, sha) => stored.get(`${repository}/${sha}.tar.gz`),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `<repository>/<sha>.tar.gz` from a request target, or undefined when it is
 * not one: undecodable (`%` not followed by two hex digits), outside the
 * store, or not a `.tar.gz`.
 */
function artifactPath(target: string | undefined): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(new URL(target ?? '/', 'http://registry.invalid').pathname);
  } catch {
    return undefined;
  }
  // Normalised as an absolute path, `..` cannot climb above the root; a NUL byte no file system accepts.
  const path = posix.normalize(decoded).replace(/^\/+/, '');
  if (path.includes('\0') || path.split('/').includes('..') || !/^[^/].*\/[^/]+\.tar\.gz$/.test(path)) return undefined;
  return path;
}

/** `<repository>:<sha>` for `<repository>/<sha>.tar.gz`. */
function imageOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash)}:${path.slice(slash + 1, -'.tar.gz'.length)}`;
}

async function serve(file: string, res: ServerResponse): Promise<void> {
  const found = await stat(file).catch(() => undefined);
  if (!found?.isFile()) return void res.writeHead(404).end('no such artifact\n');
  res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': String(found.size) });
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
