import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLONE_SCRIPT, GIT_CREDENTIALS_DIR, REF_HISTORY_DEPTH, REF_MISMATCH_EXIT_CODE, STEP_SCRIPT, TERMINATION_MESSAGE_PATH, WORKDIR } from './test-job-scripts.js';

// The scripts run for real under /bin/sh, with the pod's fixed paths moved into a temp dir.
const root = mkdtempSync(join(tmpdir(), 'sluice-scripts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const relocate = (script: string): string =>
  script
    .replaceAll(TERMINATION_MESSAGE_PATH, join(root, 'termination-log'))
    .replaceAll(GIT_CREDENTIALS_DIR, join(root, 'credentials'))
    .replaceAll(WORKDIR, join(root, 'workspace', 'src'));
const hasGit = spawnSync('git', ['--version']).status === 0;

function runStep(step: string, commands: string[]): { code: number | null; stdout: string; message: string } {
  const r = spawnSync('/bin/sh', ['-c', relocate(STEP_SCRIPT), step, ...commands], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, message: readFileSync(join(root, 'termination-log'), 'utf8') };
}

describe('STEP_SCRIPT', () => {
  it('runs every command and reports success', () => {
    const r = runStep('test', ['echo one', 'echo two']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('one\n');
    expect(r.stdout).toContain('two\n');
    expect(r.message).toBe('test passed: 2 command(s)\n');
  });

  it('stops at the first failing command and exits with its code', () => {
    const r = runStep('test', ['echo one', 'exit 3', 'echo never']);
    expect(r.code).toBe(3);
    expect(r.stdout).not.toContain('never');
    expect(r.message).toBe('test failed: command 2/3 exited 3: exit 3\n');
  });

  it('fails a multi-line command at its first failing line', () => {
    const r = runStep('install', ['false\necho "reached-$((1 + 1))"']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('reached-2');
    expect(r.message).toMatch(/^install failed: command 1\/1 exited 1/);
  });
});

describe.skipIf(!hasGit)('CLONE_SCRIPT', () => {
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, encoding: 'utf8' }).trim();

  // An origin repository: `main` with 2 commits, a side branch off the first, a merge-request ref, an annotated tag.
  const origin = join(root, 'origin');
  let wanted = '';
  let sideOnly = '';
  beforeAll(() => {
    mkdirSync(origin);
    git(origin, 'init', '--quiet', '--initial-branch=main');
    git(origin, 'config', 'uploadpack.allowFilter', 'true');
    git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'wanted');
    wanted = git(origin, 'rev-parse', 'HEAD');
    git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'newer');
    git(origin, 'checkout', '--quiet', '-b', 'side', wanted);
    git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'only on side');
    sideOnly = git(origin, 'rev-parse', 'HEAD');
    git(origin, 'update-ref', 'refs/merge-requests/7/head', sideOnly);
    git(origin, 'tag', '-a', '-m', 'release', 'v1', wanted);
    git(origin, 'checkout', '--quiet', 'main');
    mkdirSync(join(root, 'credentials'));
    writeFileSync(join(root, 'credentials', 'username'), 'u');
    writeFileSync(join(root, 'credentials', 'password'), 'p');
    mkdirSync(join(root, 'tmp'));
  });

  /** Runs the script as the clone container would, in a fresh workspace; `env` adds the pod's variables (HOME isolates git from the host's config). */
  function clone(vars: Readonly<Record<string, string>>): { status: number | null; stderr: string; message: string; head?: string } {
    rmSync(join(root, 'workspace'), { recursive: true, force: true });
    writeFileSync(join(root, 'termination-log'), '');
    const env = { HOME: root, TMPDIR: join(root, 'tmp'), GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', REPO_URL: `file://${origin}`, ...vars };
    const r = spawnSync('env', [...Object.entries(env).map(([k, v]) => `${k}=${v}`), '/bin/sh', '-c', relocate(CLONE_SCRIPT)], { encoding: 'utf8' });
    const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: join(root, 'workspace', 'src'), encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr, message: readFileSync(join(root, 'termination-log'), 'utf8'), ...(head.status === 0 && { head: head.stdout.trim() }) };
  }

  it('checks out exactly the requested commit, not the branch tip', () => {
    const r = clone({ SHA: wanted, FETCH_REF: 'refs/heads/main' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.head).toBe(wanted);
    expect(r.message).toBe(`cloned ${wanted}\n`);
  });

  it('takes a commit from a merge request ref or an annotated tag it is on', () => {
    expect(clone({ SHA: sideOnly, FETCH_REF: 'refs/merge-requests/7/head' })).toMatchObject({ status: 0, head: sideOnly });
    expect(clone({ SHA: wanted, FETCH_REF: 'refs/tags/v1' })).toMatchObject({ status: 0, head: wanted });
  });

  it('refuses a commit of the repository that is not on the pushed ref: RefMismatch exit code, which commit and which ref, nothing checked out', () => {
    const r = clone({ SHA: sideOnly, FETCH_REF: 'refs/heads/main' });
    expect(r.status).toBe(REF_MISMATCH_EXIT_CODE);
    expect(r.message).toBe(`ref mismatch: commit ${sideOnly} is not in the history of refs/heads/main of file://${origin}\n`);
    expect(r.head).toBeUndefined();
  });

  it('refuses a ref the repository does not have with the same exit code', () => {
    const r = clone({ SHA: wanted, FETCH_REF: 'refs/heads/no-such-branch' });
    expect(r.status).toBe(REF_MISMATCH_EXIT_CODE);
    expect(r.message).toBe(`ref mismatch: refs/heads/no-such-branch does not exist in file://${origin}\n`);
  });

  it('fails with git\'s own code, not RefMismatch, when the repository cannot be reached', () => {
    const r = clone({ SHA: wanted, FETCH_REF: 'refs/heads/main', REPO_URL: `file://${join(root, 'nowhere')}` });
    expect(r.status).not.toBe(0);
    expect(r.status).not.toBe(REF_MISMATCH_EXIT_CODE);
  });

  it(`finds a commit further back than the first ${REF_HISTORY_DEPTH} of the ref's history`, () => {
    const deep = join(root, 'deep');
    mkdirSync(deep);
    git(deep, 'init', '--quiet', '--initial-branch=main');
    git(deep, 'config', 'uploadpack.allowFilter', 'true');
    git(deep, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    git(deep, 'commit', '--quiet', '--allow-empty', '-m', 'old');
    const old = git(deep, 'rev-parse', 'HEAD');
    // Commits made by plumbing: one process each would take seconds.
    const tree = git(deep, 'rev-parse', 'HEAD^{tree}');
    let parent = old;
    for (let i = 0; i < REF_HISTORY_DEPTH + 5; i++) parent = git(deep, 'commit-tree', tree, '-p', parent, '-m', `c${i}`);
    git(deep, 'update-ref', 'refs/heads/main', parent);
    const r = clone({ SHA: old, FETCH_REF: 'refs/heads/main', REPO_URL: `file://${deep}` });
    expect(r.stderr).toBe('');
    expect(r).toMatchObject({ status: 0, head: old });
  });
});

describe.skipIf(!hasGit)('CLONE_SCRIPT credentials', () => {
  /** A Git host that asks for Basic auth and records every Authorization header it is sent. */
  async function recordingHost(): Promise<{ url: string; seen: (string | undefined)[]; close: () => Promise<void> }> {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  async function cloneFrom(repoUrl: string, gitHost: string | undefined): Promise<number | null> {
    const env = { HOME: root, TMPDIR: join(root, 'tmp'), GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', REPO_URL: repoUrl, SHA: 'a'.repeat(40), FETCH_REF: 'refs/heads/main', ...(gitHost && { GIT_HOST_URL: gitHost }) };
    const child = spawn('env', [...Object.entries(env).map(([k, v]) => `${k}=${v}`), '/bin/sh', '-c', relocate(CLONE_SCRIPT)], { stdio: 'ignore' });
    return new Promise((resolve) => child.on('close', resolve));
  }

  it('gives the credentials to the Git host only: another host, or another port of the same one, gets no Authorization header', async () => {
    const [gitlab, elsewhere] = await Promise.all([recordingHost(), recordingHost()]);
    try {
      await cloneFrom(`${elsewhere.url}/team/shop.git`, gitlab.url);
      expect(elsewhere.seen.length).toBeGreaterThan(0);
      expect(elsewhere.seen.filter((a) => a !== undefined)).toEqual([]);

      await cloneFrom(`${gitlab.url}/team/shop.git`, gitlab.url);
      expect(gitlab.seen).toContain(`Basic ${Buffer.from('u:p').toString('base64')}`);
    } finally {
      await Promise.all([gitlab.close(), elsewhere.close()]);
    }
  });

  it('sends no credential anywhere when no Git host is configured', async () => {
    const host = await recordingHost();
    try {
      await cloneFrom(`${host.url}/team/shop.git`, undefined);
      expect(host.seen.length).toBeGreaterThan(0);
      expect(host.seen.filter((a) => a !== undefined)).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
