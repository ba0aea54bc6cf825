/**
 * A real Git server for the integration tests: bare repositories under a
 * temporary directory, served by `git http-backend` (smart HTTP, protocol v2)
 * behind a tiny node:http CGI bridge on 127.0.0.1. Basic auth is required, so
 * a test Job that clones without the mounted credentials fails like it would
 * against GitLab.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Credentials the server accepts. */
export const GIT_USER = 'sluice-ci';
export const GIT_PASSWORD = 'not-a-real-token';

/** A running Git HTTP server. */
export interface GitServer {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** Creates a bare repository `<name>.git` from `commits` (each a file map); returns its URL and the SHAs, oldest first. */
  createRepository(name: string, commits: readonly Readonly<Record<string, string>>[]): { url: string; shas: string[] };
  close(): Promise<void>;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

function cgi(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const auth = req.headers.authorization ?? '';
  const expected = `Basic ${Buffer.from(`${GIT_USER}:${GIT_PASSWORD}`).toString('base64')}`;
  if (auth !== expected) {
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorized\n');
    return;
  }
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: GIT_USER,
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
  child.on('error', () => res.writeHead(500).end());
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startGitServer(): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), 'sluice-git-'));
  // Pods run as a non-root user; nothing here is secret.
  chmodSync(root, 0o755);
  const server = createServer((req, res) => cgi(root, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    createRepository(name, commits) {
      const work = mkdtempSync(join(tmpdir(), 'sluice-work-'));
      git(work, 'init', '--quiet', '--initial-branch=main');
      const shas: string[] = [];
      for (const [i, files] of commits.entries()) {
        for (const [path, content] of Object.entries(files)) {
          mkdirSync(dirname(join(work, path)), { recursive: true });
          writeFileSync(join(work, path), content);
        }
        git(work, 'add', '--all');
        git(work, 'commit', '--quiet', '--allow-empty', '-m', `commit ${i + 1}`);
        shas.push(git(work, 'rev-parse', 'HEAD'));
      }
      const bare = join(root, `${name}.git`);
      git(root, 'clone', '--quiet', '--bare', work, bare);
      // Fetching one exact commit by SHA (what the clone step does) must be allowed.
      git(bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
      rmSync(work, { recursive: true, force: true });
      return { url: `${baseUrl}/${name}.git`, shas };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
