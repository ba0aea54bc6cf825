import { KubeClient } from './client.js';
import { kubeConfigFromEnv, loadKubeConfig } from './kubeconfig.js';
import type { KubeConfigOptions } from './kubeconfig.js';

/** What a client is for; the credentials come from the factory's first argument. */
export interface ConnectOptions {
  /**
   * Recorded in `managedFields` for every write the client makes, one per
   * app (`sluice-deployer`), so `kubectl get -o yaml` shows who owns a field.
   */
  readonly fieldManager: string;
  /** Per-request timeout; watches and followed logs are not affected. Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/**
 * A client reaching the apiserver as `options` say (in-cluster, kubeconfig
 * files, or explicit). The KubeConfig it builds stays inside the client:
 * callers get clients, never configs. Throws with a message saying what to
 * fix when the credentials cannot be used.
 */
export function createKubeClient(options: KubeConfigOptions, connect: ConnectOptions): KubeClient {
  return new KubeClient({ kubeConfig: loadKubeConfig(options), ...connect });
}

/**
 * The client an app uses: in-cluster when `KUBERNETES_SERVICE_HOST` is set,
 * else the files in `KUBECONFIG`, else `$HOME/.kube/config` (see
 * `kubeConfigFromEnv`). Apps pass `process.env`; libs never read it.
 */
export function kubeClientFromEnv(env: Readonly<Record<string, string | undefined>>, connect: ConnectOptions): KubeClient {
  return createKubeClient(kubeConfigFromEnv(env), connect);
}

/** A client from one kubeconfig file (its current context), e.g. a test cluster's admin kubeconfig. */
export function kubeClientFromFile(path: string, connect: ConnectOptions & { readonly impersonateUser?: string }): KubeClient {
  const { impersonateUser, ...rest } = connect;
  return createKubeClient({ mode: 'file', path, ...(impersonateUser !== undefined && { impersonateUser }) }, rest);
}
