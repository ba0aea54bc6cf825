import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: kubectl runs from there, so paths such as `deploy/base` work as in the README. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
let kubectlPath: string | undefined;

/** The kubectl built with the local control plane (build.sh; cached, instant once the cluster has been built). */
export function kubectlBinary(): string {
  if (kubectlPath) return kubectlPath;
  const built = spawnSync('bash', ['tools/local-cluster/build.sh'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build.sh failed: ${built.stderr}`);
  kubectlPath = `${built.stdout.trim().split('\n').at(-1) ?? ''}/kubectl`;
  return kubectlPath;
}

/** What one kubectl run printed and how it exited. */
export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl with `args` against `kubeconfig` from the repository root (stdin `input`, when given), for what only kubectl shows or does. */
export function kubectl(kubeconfig: string, args: readonly string[], input?: string): KubectlResult {
  const r = spawnSync(kubectlBinary(), ['--kubeconfig', kubeconfig, ...args], { cwd: ROOT, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}
