import { readFile, writeFile } from 'node:fs/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** Options of {@link serviceAccountKubeconfig}. */
export interface ServiceAccountKubeconfigOptions {
  /** The admin kubeconfig of the cluster (it requests the token). */
  readonly adminKubeconfigPath: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Where to write the kubeconfig (mode 0600). */
  readonly path: string;
  /** Token lifetime; default one day (the apiserver's minimum is 10 minutes). */
  readonly expirationSeconds?: number;
}

/**
 * Writes a kubeconfig that authenticates as a ServiceAccount, with a bound
 * token from the TokenRequest API — what a pod of that ServiceAccount gets
 * mounted. A Sluice service run as a local process with it has exactly the
 * permissions its install grants (and the apiserver authenticates it the
 * way it does in a cluster: a cached token, not a client certificate).
 * The ServiceAccount must exist. Returns `path`.
 */
export async function serviceAccountKubeconfig(options: ServiceAccountKubeconfigOptions): Promise<string> {
  const admin = new KubeConfig();
  admin.loadFromString(await readFile(options.adminKubeconfigPath, 'utf8'));
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error(`${options.adminKubeconfigPath} has no current cluster`);
  const answer = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
    namespace: options.namespace,
    name: options.serviceAccount,
    body: { spec: { audiences: [], expirationSeconds: options.expirationSeconds ?? 86_400 } },
  });
  const token = answer.status?.token;
  if (!token) throw new Error(`the apiserver returned no token for ServiceAccount ${options.namespace}/${options.serviceAccount}`);
  const user = `${options.namespace}:${options.serviceAccount}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster.name, cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: user, context: { cluster: cluster.name, user, namespace: options.namespace } }],
    'current-context': user,
  };
  await writeFile(options.path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return options.path;
}
