import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBinaries } from '@sluice/local-cluster';

/** How one kubectl invocation ended. */
export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** kubectl (the one built with the local control plane) bound to one kubeconfig. */
export interface Kubectl {
  /** Path of the kubectl binary. */
  readonly path: string;
  readonly kubeconfig: string;
  /** Runs kubectl; never throws for a non-zero exit (see {@link Kubectl.must}). */
  run(args: readonly string[], input?: string): Promise<KubectlResult>;
  /** Runs kubectl and returns stdout; throws with stderr when it exits non-zero. */
  must(args: readonly string[], input?: string): Promise<string>;
}

/** kubectl for `kubeconfig`, run from `cwd` (paths such as `-k deploy/overlays/local` are relative to it). */
export async function kubectlFor(kubeconfig: string, cwd: string): Promise<Kubectl> {
  const path = join(await ensureBinaries(), 'kubectl');
  const run = (args: readonly string[], input?: string) => exec(path, ['--kubeconfig', kubeconfig, ...args], cwd, input);
  return {
    path,
    kubeconfig,
    run,
    async must(args, input) {
      const r = await run(args, input);
      if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (exit ${r.status}): ${r.stderr.trim()}`);
      return r.stdout;
    },
  };
}

// Asynchronous on purpose: the demo's own servers (GitLab stand-in, Git, registry) share this event loop.
function exec(command: string, args: readonly string[], cwd: string, input: string | undefined): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
