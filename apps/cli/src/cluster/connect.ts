import { createKubeClient, kubeConfigFromEnv, type KubeClient } from '@sluice/kube';
import type { GlobalOptions } from '../cli/args.js';
import { failure } from '../cli/errors.js';

/** The clients a command needs. */
export interface Cluster {
  /** Every call, log reads included. */
  readonly client: KubeClient;
}

/** Field manager of the CLI's writes, so `managedFields` shows a person did it through the CLI. */
export const FIELD_MANAGER = 'sluice-cli';

/**
 * Builds the client from `--kubeconfig`, else what the environment says
 * (`KUBECONFIG`, `~/.kube/config`, or in-cluster), through the kube lib's one loader.
 */
export function connect(globals: GlobalOptions, env: Readonly<Record<string, string | undefined>>): Cluster {
  try {
    const options = globals.kubeconfig !== undefined ? { mode: 'file' as const, path: globals.kubeconfig } : kubeConfigFromEnv(env);
    return { client: createKubeClient(options, { fieldManager: FIELD_MANAGER, requestTimeoutMs: 15_000 }) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw failure(`cannot load Kubernetes credentials: ${message.split('\n')[0]}`, err);
  }
}
