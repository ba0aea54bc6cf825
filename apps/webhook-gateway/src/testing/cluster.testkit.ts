/**
 * Helpers for the gateway's `*.int.test.ts`, which run against the real
 * kube-apiserver the vitest global setup provides (`inject('kubeconfig')`).
 */
import type { KubeClient } from '@sluice/kube';
import { adminClient as sharedAdminClient } from '@sluice/local-cluster/testing';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/** A client with the test cluster's admin credentials. */
export function adminClient(fieldManager = 'gateway-int-test'): KubeClient {
  return sharedAdminClient(inject('kubeconfig'), fieldManager);
}

export { createNamespace, deleteNamespace } from '@sluice/local-cluster/testing';

export { installCrds, waitUntil } from './crds.testkit.js';
