/**
 * The sample app as a real Git repository on the stand-in's Git server: one
 * root commit, then per branch a baseline commit and one commit per planned
 * push. What a commit does is decided by its content — the file `KIND`,
 * which its tests (`test.sh`) and its server (`app.js`) read — never by its
 * SHA, which is real.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GitServer } from '@sluice/gitlab-stand-in';
import type { RevisionKind } from './plan.js';

const run = promisify(execFile);

/**
 * The server every commit carries (CommonJS, no dependencies). `/healthz`
 * (readiness) answers 200 — unless `KIND` is `unhealthy` and traffic has
 * reached it: 500 ms after its first request that is not a probe (`GET /`,
 * which only the harness's steady client sends, to the color the Service
 * selects) it answers 503 for good. So an unhealthy revision passes its
 * rollout and the pre-promotion check and fails during the bake, whatever
 * the timing of the run.
 */
export const APP_JS = `const http = require('node:http');
const fs = require('node:fs');
const kind = fs.readFileSync(__dirname + '/KIND', 'utf8').trim();
const revision = fs.readFileSync(__dirname + '/REVISION', 'utf8').trim();
let brokenAt;
http.createServer((req, res) => {
  if (req.url === '/livez') { res.end('alive'); return; }
  if (req.url === '/healthz') {
    if (brokenAt !== undefined && Date.now() >= brokenAt) { res.statusCode = 503; res.end('unhealthy'); return; }
    res.end('ok'); return;
  }
  if (kind === 'unhealthy' && brokenAt === undefined) brokenAt = Date.now() + 500;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ sha: process.env.SLUICE_REVISION, kind, revision }));
}).listen(Number(process.env.PORT), process.env.HOST);
`;

/** The tests: half a second of "work", a JUnit report, exit 1 when `KIND` is `failing`. */
export const TEST_SH = `kind=$(cat KIND)
sleep 0.5
if [ "$kind" = failing ]; then
  printf '<testsuite name="sample" tests="2"><testcase classname="app" name="serves"/><testcase classname="app" name="adds"><failure message="expected 3, got 4">AssertionError</failure></testcase></testsuite>' > report.xml
  echo "1 test failed: app.adds" >&2
  exit 1
fi
printf '<testsuite name="sample" tests="2"><testcase classname="app" name="serves"/><testcase classname="app" name="adds"/></testsuite>' > report.xml
echo "2 tests passed"
`;

const INSTALL_SH = 'echo "nothing to install"\n';
const DOCKERFILE = 'FROM scratch\nCOPY . /app\n';

/** One commit of the sample repository. */
export interface SampleCommit {
  readonly sha: string;
  readonly parent: string;
  readonly branch: string;
  readonly kind: RevisionKind;
  readonly message: string;
  readonly timestamp: string;
}

/** The repository: its clone URL, the baseline commit of each branch and one commit per planned push. */
export interface SampleRepository {
  readonly url: string;
  readonly root: string;
  readonly baseline: ReadonlyMap<string, SampleCommit>;
  /** By push index. */
  readonly pushes: readonly SampleCommit[];
  /** Moves `branch` on the server to `sha` (the push itself; the webhook follows). */
  movePushed(branch: string, sha: string): Promise<void>;
}

const GIT_ENV = { GIT_AUTHOR_NAME: 'Fault Tester', GIT_AUTHOR_EMAIL: 'faults@example.com', GIT_COMMITTER_NAME: 'Fault Tester', GIT_COMMITTER_EMAIL: 'faults@example.com' };

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, ...GIT_ENV } });
  return stdout.trim();
}

/**
 * Creates `<name>.git` on `server` with a root commit on `main`, a baseline
 * (passing) commit per branch, and one commit per entry of `pushes` on its
 * branch, in order. Only the baselines are on the branches at first; the
 * push commits are on the server under `refs/fault/<index>` until
 * {@link SampleRepository.movePushed} moves their branch.
 */
export async function createSampleRepository(
  server: GitServer,
  name: string,
  branches: readonly string[],
  pushes: readonly { readonly branch: string; readonly kind: RevisionKind }[],
): Promise<SampleRepository> {
  const url = await server.createRepository(name);
  const bare = server.repositoryDir(name);
  const work = await mkdtemp(join(tmpdir(), 'fault-e2e-work-'));
  try {
    await git(work, 'init', '--quiet', '--initial-branch=main');
    const commit = async (branch: string, kind: RevisionKind, message: string, revision: string): Promise<SampleCommit> => {
      await writeFile(join(work, 'KIND'), `${kind}\n`);
      await writeFile(join(work, 'REVISION'), `${revision}\n`);
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '-m', message);
      const [sha, parent, timestamp] = (await git(work, 'log', '-1', '--format=%H %P %cI')).split(' ');
      return { sha: sha as string, parent: parent ?? '', branch, kind, message, timestamp: timestamp as string };
    };
    await Promise.all([
      writeFile(join(work, 'app.js'), APP_JS),
      writeFile(join(work, 'test.sh'), TEST_SH),
      writeFile(join(work, 'install.sh'), INSTALL_SH),
      writeFile(join(work, 'Dockerfile'), DOCKERFILE),
    ]);
    const root = await commit('main', 'passing', 'sample app', 'root');
    const baseline = new Map<string, SampleCommit>();
    for (const branch of branches) {
      await git(work, 'checkout', '--quiet', '-B', branch, root.sha);
      baseline.set(branch, await commit(branch, 'passing', `${branch}: baseline`, `${branch}-0`));
    }
    const heads = new Map([...baseline].map(([b, c]) => [b, c.sha]));
    const made: SampleCommit[] = [];
    for (const [i, p] of pushes.entries()) {
      await git(work, 'checkout', '--quiet', p.branch);
      const c = await commit(p.branch, p.kind, `${p.branch}: change ${i + 1} (${p.kind})`, `${p.branch}-${i + 1}`);
      made.push(c);
      heads.set(p.branch, c.sha);
      await git(work, 'update-ref', `refs/fault/${i}`, c.sha);
    }
    for (const [branch, c] of baseline) await git(work, 'update-ref', `refs/heads/${branch}`, c.sha);
    // One push of every object: the branches at their baselines, each later commit under a hidden ref.
    await git(work, 'push', '--quiet', bare, 'refs/heads/*:refs/heads/*', 'refs/fault/*:refs/fault/*');
    return {
      url,
      root: root.sha,
      baseline,
      pushes: made,
      movePushed: async (branch, sha) => {
        await git(bare, 'update-ref', `refs/heads/${branch}`, sha);
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
