import { spawn } from 'node:child_process';

/** Who the demo's commits are by; also the pusher in the webhooks. */
export const DEMO_AUTHOR = { name: 'Dana Demo', username: 'ddemo', email: 'dana@demo.sluice.test' } as const;

/**
 * Runs `git <args>` in `cwd` and resolves with its trimmed stdout; rejects
 * with stderr when it fails. Asynchronous, so the demo's servers (the Git
 * server among them) keep answering while git talks to them. The
 * environment is pinned so a developer's git config cannot change a SHA's
 * author or a push's behaviour.
 */
export function git(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'],
        HOME: cwd,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        GIT_AUTHOR_NAME: DEMO_AUTHOR.name,
        GIT_AUTHOR_EMAIL: DEMO_AUTHOR.email,
        GIT_COMMITTER_NAME: DEMO_AUTHOR.name,
        GIT_COMMITTER_EMAIL: DEMO_AUTHOR.email,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout.trim());
      else reject(new Error(`git ${args[0] ?? ''} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}
