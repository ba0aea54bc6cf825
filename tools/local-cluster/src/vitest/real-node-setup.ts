/**
 * Vitest global setup for tests that need the real node (containers, pod
 * networking, Services, DNS, NetworkPolicies, the registry).
 *
 * When `SLUICE_REAL_CLUSTER_DIR` names a running real cluster (the test
 * command starts one for the whole suite), it is reused; otherwise this run
 * starts its own, owned by the test process. Tests read it with
 * `inject('realNode')`.
 */
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { isClusterRunning, startCluster } from '../cluster.js';
import type { ImageRefs } from '../node/images.js';
import { readRealNodeState } from '../node/launch.js';
import type { NodeNetwork } from '../node/network.js';

/** What a real-node test gets. */
export interface RealNodeContext {
  readonly kubeconfig: string;
  readonly registry: string;
  readonly images: ImageRefs;
  readonly network: NodeNetwork;
}

declare module 'vitest' {
  export interface ProvidedContext {
    realNode: RealNodeContext;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const shared = process.env.SLUICE_REAL_CLUSTER_DIR;
  if (shared) {
    const state = await readRealNodeState(shared);
    if (!state || !(await isClusterRunning(shared))) throw new Error(`SLUICE_REAL_CLUSTER_DIR=${shared} holds no running real node`);
    project.provide('realNode', { kubeconfig: state.kubeconfig, registry: state.registry, images: state.images, network: state.network });
    return undefined;
  }
  const cluster = await startCluster({ node: 'real' });
  project.provide('realNode', {
    kubeconfig: cluster.kubeconfigPath,
    registry: cluster.registry!,
    images: cluster.images!,
    network: cluster.network!,
  });
  return async () => {
    await cluster.stop();
    await rm(cluster.dir, { recursive: true, force: true });
  };
}
