/**
 * Vitest global setup for integration tests that need a real cluster.
 *
 * When `SLUICE_KUBECONFIG` is set (the test command starts one cluster for
 * the whole suite), it is reused; otherwise this run starts its own, owned by
 * the test process, and tears it down afterwards — or, if the run crashes,
 * the cluster dies with it. Tests read the admin kubeconfig path with
 * `inject('kubeconfig')`.
 */
import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { startCluster } from '../cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const shared = process.env.SLUICE_KUBECONFIG;
  if (shared) {
    project.provide('kubeconfig', shared);
    return undefined;
  }
  const cluster = await startCluster({ node: 'agent' });
  project.provide('kubeconfig', cluster.kubeconfigPath);
  return async () => {
    await cluster.stop();
    await rm(cluster.dir, { recursive: true, force: true });
  };
}
