/**
 * A real Git server for the integration tests (the GitLab stand-in's Git
 * side: `git http-backend` behind Basic auth), with repositories made from
 * file maps, one commit each.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startGitServer as startStandInGitServer, type ListenOptions } from '@sluice/gitlab-stand-in';

/** Credentials the server accepts. */
export const GIT_USER = 'sluice-ci';
export const GIT_PASSWORD = 'not-a-real-token';

/** A running Git HTTP server. */
export interface GitServer {
  /** `http://<address>:<port>` (`127.0.0.1` unless started elsewhere). */
  readonly baseUrl: string;
  /**
   * Creates a bare repository `<name>.git` from `commits` (each a file map), all on `main`; returns its URL and
   * the SHAs, oldest first. The server answers partial fetches (`--filter`), as GitLab does.
   */
  createRepository(name: string, commits: readonly Readonly<Record<string, string>>[]): Promise<{ url: string; shas: string[] }>;
  /**
   * Points `ref` (a full ref: `refs/heads/feature/x`, `refs/merge-requests/7/head`) of repository `name` at `sha`,
   * a commit it has: what a push of that branch, or GitLab's merge-request ref, would leave.
   */
  createRef(name: string, ref: string, sha: string): void;
  /**
   * Adds a commit (a file map) on top of `parent` to repository `name` without moving any ref (point one at it
   * with {@link createRef}); returns its SHA.
   */
  createCommit(name: string, parent: string, files: Readonly<Record<string, string>>): string;
  close(): Promise<void>;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

/** Starts the server on 127.0.0.1 with an ephemeral port, or where `where` says (a real node's pods reach the host's address, not its loopback). */
export async function startGitServer(where: ListenOptions = {}): Promise<GitServer> {
  const server = await startStandInGitServer({ username: GIT_USER, password: GIT_PASSWORD }, where);
  return {
    baseUrl: server.baseUrl,
    async createRepository(name, commits) {
      const url = await server.createRepository(name);
      const work = mkdtempSync(join(tmpdir(), 'sluice-work-'));
      try {
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
        git(work, 'push', '--quiet', server.repositoryDir(name), 'main');
        git(server.repositoryDir(name), 'config', 'uploadpack.allowFilter', 'true');
        return { url, shas };
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    createRef(name, ref, sha) {
      git(server.repositoryDir(name), 'update-ref', ref, sha);
    },
    createCommit(name, parent, files) {
      const work = mkdtempSync(join(tmpdir(), 'sluice-work-'));
      try {
        git(work, 'init', '--quiet', '--initial-branch=main');
        git(work, 'fetch', '--quiet', server.repositoryDir(name), parent);
        git(work, 'checkout', '--quiet', '--detach', 'FETCH_HEAD');
        for (const [path, content] of Object.entries(files)) {
          mkdirSync(dirname(join(work, path)), { recursive: true });
          writeFileSync(join(work, path), content);
        }
        git(work, 'add', '--all');
        git(work, 'commit', '--quiet', '--allow-empty', '-m', 'off main');
        const sha = git(work, 'rev-parse', 'HEAD');
        // Pushed under a scratch ref, which is then deleted: the objects stay, no ref holds the commit yet.
        git(work, 'push', '--quiet', server.repositoryDir(name), 'HEAD:refs/scratch/dangling');
        git(server.repositoryDir(name), 'update-ref', '-d', 'refs/scratch/dangling');
        return sha;
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    close: () => server.close(),
  };
}
