/**
 * Helpers for the gateway's `*.int.test.ts`, which run against the real
 * kube-apiserver the vitest global setup provides (`inject('kubeconfig')`).
 */
import { KubeClient, loadKubeConfig, type KubeObject } from '@sluice/kube';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/** A client with the test cluster's admin credentials. */
export function adminClient(fieldManager = 'gateway-int-test'): KubeClient {
  const kubeConfig = loadKubeConfig({ mode: 'file', path: inject('kubeconfig') });
  return new KubeClient({ kubeConfig, fieldManager });
}

/** A fresh namespace for one test file. */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const ns = await client.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: `${prefix}-` } });
  return ns.metadata.name as string;
}

/** Deletes a namespace made by {@link createNamespace}; the Deliveries in it go with it. */
export async function deleteNamespace(client: KubeClient, name: string): Promise<void> {
  await client.delete({ apiVersion: 'v1', kind: 'Namespace', name });
}

export { installCrds, waitUntil } from './crds.testkit.js';
