/**
 * The benchmark's cluster: the one in SLUICE_KUBECONFIG when set, else a
 * fresh local cluster with a real node started with the workspace's cluster
 * command (`npm run cluster -- up`) in a private directory, stopped at the end.
 * Going through the command keeps the app free of a dependency on the tool.
 *
 * On a real node the Jobs run images: the clone step runs the node registry's
 * `git` image, the test the `shell` image (busybox), and the Git server must
 * listen on the host's address on the node's network, which pods reach. The
 * node-agent lane (`up --agent`) runs commands on the host: any image name
 * does, and the Git server stays on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the Jobs run and where the Git server listens. */
export interface BenchNode {
  readonly kind: 'real' | 'agent';
  /** Image of the clone step. */
  readonly cloneImage: string;
  /** Image of the test step (busybox's `sh`). */
  readonly testImage: string;
  /** Address the Git server binds; the pods clone from it. */
  readonly gitHost: string;
}

/** A cluster to benchmark against. */
export interface BenchCluster {
  readonly kubeconfigPath: string;
  readonly node: BenchNode;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const AGENT_NODE: BenchNode = { kind: 'agent', cloneImage: 'alpine/git:local', testImage: 'busybox', gitHost: '127.0.0.1' };

function cluster(command: 'up' | 'down', dir: string): void {
  const log = join(dir, `cluster-${command}.log`);
  // Files, not pipes: the detached control plane inherits them and would hold a pipe open.
  const fd = openSync(log, 'a');
  const result = spawnSync('npm', ['run', '-s', 'cluster', '--', command], { cwd: ROOT, env: { ...process.env, SLUICE_CLUSTER_DIR: dir }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (result.status !== 0) throw new Error(`cluster ${command} failed (exit ${result.status}); see ${log}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
}

/** The node of the cluster kept in `dir` (`npm run cluster -- status --json`); the node-agent lane's defaults when it says no real node. */
function nodeOf(dir: string): BenchNode {
  const result = spawnSync('npm', ['run', '-s', 'cluster', '--', 'status', '--json'], { cwd: ROOT, env: { ...process.env, SLUICE_CLUSTER_DIR: dir }, encoding: 'utf8' });
  let status: { running?: boolean; node?: string; images?: { git?: string; shell?: string }; network?: { hostIp?: string } };
  try {
    status = JSON.parse(result.stdout) as typeof status;
  } catch {
    return AGENT_NODE;
  }
  const { images, network } = status;
  if (status.running !== true || status.node !== 'real' || !images?.git || !images.shell || !network?.hostIp) return AGENT_NODE;
  return { kind: 'real', cloneImage: images.git, testImage: images.shell, gitHost: network.hostIp };
}

/** Reuses SLUICE_KUBECONFIG (a cluster of `npm run cluster`, its directory holding the kubeconfig), or starts a local cluster with a real node. */
export async function benchCluster(): Promise<BenchCluster> {
  const shared = process.env['SLUICE_KUBECONFIG'];
  if (shared) return { kubeconfigPath: shared, node: nodeOf(dirname(shared)), stop: async () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-cluster-'));
  cluster('up', dir);
  return {
    kubeconfigPath: join(dir, 'admin.kubeconfig'),
    node: nodeOf(dir),
    stop: async () => {
      cluster('down', dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
