/**
 * The benchmark's cluster: the one in SLUICE_KUBECONFIG when set, else a
 * fresh local control plane started with the workspace's cluster command
 * (`npm run cluster -- up`) in a private directory, stopped at the end.
 * Going through the command keeps the app free of a dependency on the tool.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A cluster to benchmark against. */
export interface BenchCluster {
  readonly kubeconfigPath: string;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function cluster(command: 'up' | 'down', dir: string): void {
  const log = join(dir, `cluster-${command}.log`);
  // Files, not pipes: the detached control plane inherits them and would hold a pipe open.
  const fd = openSync(log, 'a');
  const result = spawnSync('npm', ['run', '-s', 'cluster', '--', command], { cwd: ROOT, env: { ...process.env, SLUICE_CLUSTER_DIR: dir }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (result.status !== 0) throw new Error(`cluster ${command} failed (exit ${result.status}); see ${log}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
}

/** Reuses SLUICE_KUBECONFIG, or starts a local cluster. */
export async function benchCluster(): Promise<BenchCluster> {
  const shared = process.env['SLUICE_KUBECONFIG'];
  if (shared) return { kubeconfigPath: shared, stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-cluster-'));
  cluster('up', dir);
  return {
    kubeconfigPath: join(dir, 'admin.kubeconfig'),
    stop: async () => {
      cluster('down', dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
