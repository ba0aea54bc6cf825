import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLONE_SCRIPT, GIT_CREDENTIALS_DIR, STEP_SCRIPT, TERMINATION_MESSAGE_PATH, WORKDIR } from './test-job-scripts.js';

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

  it('checks out exactly the requested commit, not the branch tip', () => {
    const origin = join(root, 'origin');
    mkdirSync(origin);
    git(origin, 'init', '--quiet');
    git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'wanted');
    const wanted = git(origin, 'rev-parse', 'HEAD');
    git(origin, 'commit', '--quiet', '--allow-empty', '-m', 'newer');
    mkdirSync(join(root, 'credentials'));
    writeFileSync(join(root, 'credentials', 'username'), 'u');
    writeFileSync(join(root, 'credentials', 'password'), 'p');

    // `env` adds the pod's variables on top of the inherited environment; HOME isolates git from the host's config.
    const vars = [`HOME=${root}`, 'GIT_CONFIG_NOSYSTEM=1', `SHA=${wanted}`, `REPO_URL=file://${origin}`];
    const r = spawnSync('env', [...vars, '/bin/sh', '-c', relocate(CLONE_SCRIPT)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(git(join(root, 'workspace', 'src'), 'rev-parse', 'HEAD')).toBe(wanted);
    expect(readFileSync(join(root, 'termination-log'), 'utf8')).toBe(`cloned ${wanted}\n`);
  });
});
