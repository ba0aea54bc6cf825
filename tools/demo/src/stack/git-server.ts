/**
 * The demo's Git server: bare repositories under a temporary directory,
 * served by `git http-backend` (smart HTTP: clone, fetch by SHA and push)
 * behind a small node:http CGI bridge on 127.0.0.1, with Basic auth, so the
 * test Job's clone uses the mounted credentials as it would against GitLab.
 *
 * Adapted from the test-runner's integration-test server
 * (apps/test-runner/src/testing/git-server.ts; a tool may not import from an
 * app): this one creates empty repositories that receive real pushes.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../sample-app/git.js';

/** Credentials the server accepts (a local stand-in for a GitLab deploy token). */
export const GIT_CREDENTIALS = { username: 'sluice-demo', password: 'demo-deploy-token' } as const;

/** A running Git HTTP server. */
export interface GitServer {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** Creates an empty bare repository `<path>.git` that accepts pushes and fetches of any SHA; returns its clone URL. */
  createRepository(path: string): Promise<string>;
  /** The `Authorization` header value a client (the demo's own `git push`) sends. */
  readonly authorization: string;
  close(): Promise<void>;
}

const AUTHORIZATION = `Basic ${Buffer.from(`${GIT_CREDENTIALS.username}:${GIT_CREDENTIALS.password}`).toString('base64')}`;

function cgi(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.headers.authorization !== AUTHORIZATION) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorized\n');
    return;
  }
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env['PATH'],
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      // Set: http-backend then allows receive-pack (push) as well as upload-pack.
      REMOTE_USER: GIT_CREDENTIALS.username,
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

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startGitServer(): Promise<GitServer> {
  const root = await mkdtemp(join(tmpdir(), 'sluice-demo-git-'));
  // The test Job's clone runs as a non-root user; nothing here is secret.
  await chmod(root, 0o755);
  const server = createServer((req, res) => cgi(root, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    authorization: AUTHORIZATION,
    async createRepository(path) {
      const bare = join(root, `${path}.git`);
      await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
      // The clone step fetches one exact commit by SHA.
      await git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
      return `${baseUrl}/${path}.git`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
