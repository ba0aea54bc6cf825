/** kubectl against a test cluster, for what only kubectl shows (the server-side printer columns of `kubectl get`). */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
let kubectlPath: string | undefined;

/** kubectl built with the local control plane (cached: instant once the cluster has been built). */
function kubectlBinary(): string {
  if (kubectlPath) return kubectlPath;
  const built = spawnSync('bash', ['tools/local-cluster/build.sh'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`build.sh failed: ${built.stderr}`);
  kubectlPath = `${built.stdout.trim().split('\n').at(-1) ?? ''}/kubectl`;
  return kubectlPath;
}

/** Runs kubectl with `args` against `kubeconfig`; its standard output, or an error carrying its standard error. */
export function kubectl(kubeconfig: string, args: readonly string[]): string {
  const r = spawnSync(kubectlBinary(), ['--kubeconfig', kubeconfig, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
