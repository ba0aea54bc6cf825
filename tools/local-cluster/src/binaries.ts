import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BUILD_SCRIPT = fileURLToPath(new URL('../build.sh', import.meta.url));

/**
 * Returns the directory holding etcd, kube-apiserver and
 * kube-controller-manager, building them first when the pinned versions have
 * no build yet (see build.sh). Build progress goes to stderr.
 */
export function ensureBinaries(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const dir = out.trim().split('\n').at(-1);
      if (code === 0 && dir) resolve(dir);
      else reject(new Error(`building the local control plane failed (build.sh exited ${code})`));
    });
  });
}
