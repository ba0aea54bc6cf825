import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = (name: string) => fileURLToPath(new URL(`../${name}`, import.meta.url));

/** Runs one of the cached build scripts; resolves the path on its last stdout line. Progress goes to stderr. */
function runBuildScript(name: string, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script(name)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    // 'close', not 'exit': only then has all of stdout been read.
    child.on('close', (code) => {
      const path = out.trim().split('\n').at(-1);
      if (code === 0 && path) resolve(path);
      else reject(new Error(`building ${what} failed (${name} exited ${code})`));
    });
  });
}

/**
 * Returns the directory holding etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, kubelet, kube-proxy and kubectl, building them first when
 * the pinned versions have no build yet (see build.sh).
 */
export function ensureBinaries(): Promise<string> {
  return runBuildScript('build.sh', 'the local control plane');
}

/** The directory holding kube-router, coredns and pause (see build-node.sh). */
export function ensureNodeBinaries(): Promise<string> {
  return runBuildScript('build-node.sh', 'the node binaries');
}

/** The directory holding buildkitd, buildctl and rootlesskit, built from Go modules first when needed (see build-builder.sh). */
export function ensureBuilder(): Promise<string> {
  return runBuildScript('build-builder.sh', 'the image builder');
}

/** The directory holding the base images: `images.json` and a registry storage tree to seed a node's registry (see images.sh). */
export function ensureImages(): Promise<string> {
  return runBuildScript('images.sh', 'the base images');
}

/** The Debian packages the real node runs on, installed with apt when missing (see install-node-packages.sh). */
export function ensureNodePackages(): Promise<string> {
  return runBuildScript('install-node-packages.sh', 'the node packages');
}
