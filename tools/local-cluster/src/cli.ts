/**
 * `npm run cluster -- up|down|status`: the local control plane as a command.
 * `up` returns once the API is ready and prints the admin kubeconfig path on
 * its last line; the cluster keeps running until `down`.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isClusterRunning, readClusterState, startCluster, stopCluster } from './cluster.js';

const dir = process.env.SLUICE_CLUSTER_DIR ?? fileURLToPath(new URL('../../../.sluice/cluster', import.meta.url));
const kubeconfigPath = join(dir, 'admin.kubeconfig');

async function main(command: string | undefined): Promise<number> {
  switch (command) {
    case 'up': {
      if (!(await isClusterRunning(dir))) {
        const cluster = await startCluster({ dir, lifetime: 'detached' });
        console.error(`local cluster ready in ${cluster.startMs} ms (logs: ${join(dir, 'logs')})`);
      } else console.error('local cluster already running');
      console.log(kubeconfigPath);
      return 0;
    }
    case 'down':
      await stopCluster(dir);
      console.error('local cluster stopped');
      return 0;
    case 'status': {
      const running = await isClusterRunning(dir);
      const state = await readClusterState(dir);
      console.log(running ? `running (since ${state?.at}); kubeconfig: ${kubeconfigPath}` : 'not running');
      return running ? 0 : 3;
    }
    default:
      console.error('usage: npm run cluster -- up|down|status');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
