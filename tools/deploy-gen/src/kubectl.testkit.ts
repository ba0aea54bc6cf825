import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** kubectl built with the local control plane, run from the repository root. */
export { kubectl, type KubectlResult } from '@sluice/local-cluster/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin kubeconfig path, from the local cluster's global setup. */
    kubeconfig: string;
  }
}
