import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DEMO_AUTHOR, git } from './git.js';
import { filesOf, type SampleVersion } from './versions.js';

/** A commit as a push webhook describes it. */
export interface CommitInfo {
  readonly sha: string;
  readonly message: string;
  /** ISO 8601 with offset, as GitLab sends it. */
  readonly timestamp: string;
  readonly author: { readonly name: string; readonly email: string };
  readonly added: readonly string[];
  readonly modified: readonly string[];
  readonly removed: readonly string[];
}

/** A push that happened: the branch moved from `before` to `after`. */
export interface Push {
  readonly ref: string;
  readonly before: string;
  readonly after: string;
  readonly commits: readonly CommitInfo[];
}

/** The sample app's working copy, pushing to the demo's Git server. */
export interface SampleRepo {
  /** Commits `version`'s files on `main` and pushes; resolves with what a push webhook would report. */
  commitAndPush(version: SampleVersion): Promise<Push>;
}

const NULL_SHA = '0'.repeat(40);

/** A fresh working copy in `dir` whose `origin` is `remoteUrl` (an empty repository). */
export async function createSampleRepo(dir: string, remoteUrl: string, authorization: string): Promise<SampleRepo> {
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '--quiet', '--initial-branch=main');
  await git(dir, 'remote', 'add', 'origin', remoteUrl);
  // The Git server wants Basic auth; kept in this throwaway clone's config, never in a URL.
  await git(dir, 'config', 'http.extraHeader', `Authorization: ${authorization}`);
  let head = NULL_SHA;
  return {
    async commitAndPush(version) {
      for (const [path, content] of await filesOf(version.id)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
      }
      await git(dir, 'add', '--all');
      await git(dir, 'commit', '--quiet', '-m', version.message);
      const sha = await git(dir, 'rev-parse', 'HEAD');
      await git(dir, 'push', '--quiet', 'origin', 'main');
      const before = head;
      head = sha;
      return { ref: 'refs/heads/main', before, after: sha, commits: [await describeCommit(dir, sha)] };
    },
  };
}

async function describeCommit(dir: string, sha: string): Promise<CommitInfo> {
  const [message, timestamp, changes] = await Promise.all([
    git(dir, 'show', '-s', '--format=%B', sha),
    git(dir, 'show', '-s', '--format=%aI', sha),
    git(dir, 'diff-tree', '--root', '--no-commit-id', '--name-status', '-r', sha),
  ]);
  const byStatus = (letter: string) =>
    changes
      .split('\n')
      .filter((line) => line.startsWith(letter))
      .map((line) => line.slice(1).trim());
  return {
    sha,
    message: `${message}\n`,
    timestamp,
    author: { name: DEMO_AUTHOR.name, email: DEMO_AUTHOR.email },
    added: byStatus('A'),
    modified: byStatus('M'),
    removed: byStatus('D'),
  };
}
