/**
 * `npm run cluster -- up|down|status`: the local cluster as a command.
 * `up` returns once the node is ready (CoreDNS answering) and prints the
 * admin kubeconfig path on its last line; the cluster keeps running until
 * `down`. `up --agent` starts the node-agent lane instead of the real node.
 * `status --json` prints one JSON object (kubeconfig, registry, images, …).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isClusterRunning, readClusterState, startCluster, stopCluster } from './cluster.js';
import { readRealNodeState } from './node/launch.js';
import { sweepStaleSlots } from './node/slots.js';

const dir = process.env.SLUICE_CLUSTER_DIR ?? fileURLToPath(new URL('../../../.sluice/cluster', import.meta.url));
const kubeconfigPath = join(dir, 'admin.kubeconfig');

async function main(command: string | undefined, flags: readonly string[]): Promise<number> {
  switch (command) {
    case 'up': {
      if (!(await isClusterRunning(dir))) {
        await stopCluster(dir);
        const node = flags.includes('--agent') ? 'agent' : 'real';
        console.error(`starting the local cluster (${node} node) in ${dir}`);
        const cluster = await startCluster({ dir, lifetime: 'detached', node });
        console.error(`local cluster ready in ${cluster.startMs} ms (logs: ${join(dir, 'logs')})`);
        if (cluster.registry) console.error(`registry: ${cluster.registry}`);
      } else console.error('local cluster already running');
      console.log(kubeconfigPath);
      return 0;
    }
    case 'down':
      await stopCluster(dir);
      await sweepStaleSlots();
      console.error('local cluster stopped');
      return 0;
    case 'status': {
      const running = await isClusterRunning(dir);
      const state = await readClusterState(dir);
      const real = await readRealNodeState(dir);
      if (flags.includes('--json')) {
        console.log(
          JSON.stringify({
            running,
            node: real ? 'real' : 'agent',
            kubeconfig: kubeconfigPath,
            dir,
            since: state?.at,
            ...(real && { registry: real.registry, images: real.images, network: real.network }),
          }),
        );
      } else {
        console.log(running ? `running (since ${state?.at}); kubeconfig: ${kubeconfigPath}` : 'not running');
        if (running && real) console.log(`registry: ${real.registry}; node address: ${real.network.nodeIp}`);
      }
      return running ? 0 : 3;
    }
    default:
      console.error('usage: npm run cluster -- up [--agent] | down | status [--json]');
      return 2;
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
