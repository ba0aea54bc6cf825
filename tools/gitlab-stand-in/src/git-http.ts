/**
 * The Git side of the stand-in: the repositories a GitLab project would host,
 * as bare repositories under a temporary directory, served by
 * `git http-backend` (smart HTTP: clone, fetch of any SHA, push) behind a
 * small node:http CGI bridge (on 127.0.0.1 unless told otherwise). Basic auth is required, so a test
 * Job that clones without the mounted credentials fails as it would against
 * GitLab.
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listen, type ListenOptions } from './listen.js';

const run = promisify(execFile);

/** A username and password (a deploy token, say) the server accepts. */
export interface GitCredentials {
  readonly username: string;
  readonly password: string;
}

/** A running Git HTTP server. */
export interface GitServer {
  /** `http://<address>:<port>`, e.g. `http://127.0.0.1:40123`. */
  readonly baseUrl: string;
  /** The `Authorization` header value a client sends. */
  readonly authorization: string;
  /**
   * Creates an empty bare repository `<path>.git` that accepts pushes and
   * fetches of any SHA (the clone step fetches one exact commit); returns its
   * clone URL.
   */
  createRepository(path: string): Promise<string>;
  /** Where `<path>.git` lives on disk, for a test that pushes to it directly. */
  repositoryDir(path: string): string;
  close(): Promise<void>;
}

/** Starts the server; by default on 127.0.0.1 with an ephemeral port. */
export async function startGitServer(credentials: GitCredentials, where: ListenOptions = {}): Promise<GitServer> {
  const authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const root = await mkdtemp(join(tmpdir(), 'sluice-git-'));
  // The clone step runs as a non-root user; nothing here is secret.
  await chmod(root, 0o755);
  const server = createServer((req, res) => {
    if (req.headers.authorization !== authorization) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorized\n');
      return;
    }
    cgi(root, credentials.username, req, res);
  });
  const baseUrl = await listen(server, 'the Git server', where).catch(async (error: unknown) => {
    await rm(root, { recursive: true, force: true });
    throw error;
  });
  const repositoryDir = (path: string) => join(root, `${path}.git`);
  return {
    baseUrl,
    authorization,
    repositoryDir,
    async createRepository(path) {
      const bare = repositoryDir(path);
      await run('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
      await run('git', ['-C', bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true']);
      return `${baseUrl}/${path}.git`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Runs `git http-backend` for one request (CGI), streaming both bodies. */
function cgi(root: string, user: string, req: IncomingMessage, res: ServerResponse): void {
  let url: URL;
  let pathInfo: string;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
    pathInfo = decodeURIComponent(url.pathname);
  } catch {
    // A stray `%` would otherwise throw out of the request handler and take the hosting process (the demo) down.
    res.writeHead(400).end('bad request path\n');
    return;
  }
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env['PATH'],
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: pathInfo,
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      // Set: http-backend then allows receive-pack (push) as well as upload-pack.
      REMOTE_USER: user,
      REMOTE_ADDR: req.socket.remoteAddress ?? '',
      GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
      HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
    },
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headerDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headerDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headerDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const i = line.indexOf(':');
      if (i === -1) continue;
      const key = line.slice(0, i).trim();
      const value = line.slice(i + 1).trim();
      if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[key] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  child.on('close', () => res.end());
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}
