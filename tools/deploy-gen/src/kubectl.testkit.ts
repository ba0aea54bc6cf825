import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

let kubectlPath: string | undefined;

/** kubectl built with the local control plane (cached: instant once the cluster has been built). */
function kubectlBinary(): string {
  if (kubectlPath) return kubectlPath;
  const built = spawnSync('bash', ['tools/local-cluster/build.sh'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build.sh failed: ${built.stderr}`);
  kubectlPath = `${built.stdout.trim().split('\n').at(-1) ?? ''}/kubectl`;
  return kubectlPath;
}

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kubectl against `kubeconfig` from the repository root. */
export function kubectl(kubeconfig: string, args: readonly string[], input?: string): KubectlResult {
  const r = spawnSync(kubectlBinary(), ['--kubeconfig', kubeconfig, ...args], { cwd: ROOT, encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin kubeconfig path, from the local cluster's global setup. */
    kubeconfig: string;
  }
}
