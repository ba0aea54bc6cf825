/**
 * Runs lint, typecheck, tests and builds for every project with one shared
 * local cluster (started here, owned by this process: it goes down with us,
 * even on a crash). Exit code: non-zero when anything failed.
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { startCluster } from '@sluice/local-cluster';

function nx(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync('npx', ['nx', ...args], { stdio: 'inherit', env });
  return result.status ?? 1;
}

const extra = process.argv.slice(2);
let failed = 0;
failed ||= nx(['sync:check']);
failed ||= nx(['run-many', '-t', 'lint', 'typecheck', ...extra]);
if (!failed) {
  const cluster = await startCluster();
  console.error(`test-all: shared local cluster ready in ${cluster.startMs} ms`);
  try {
    failed ||= nx(['run-many', '-t', 'test', 'build', '--parallel=2', ...extra], {
      ...process.env,
      SLUICE_KUBECONFIG: cluster.kubeconfigPath,
    });
  } finally {
    await cluster.stop();
    await rm(cluster.dir, { recursive: true, force: true });
  }
}
console.error(failed ? 'test-all: FAILED' : 'test-all: all green');
process.exit(failed);
