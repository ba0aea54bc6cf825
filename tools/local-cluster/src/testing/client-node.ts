/** Test helpers on plain client-node, for tests of the cluster itself. */
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';

/** An admin KubeConfig for a test run, from the path the global setup provides. */
export function adminKubeConfig(kubeconfigPath: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc;
}

/**
 * Creates a fresh namespace for one test file and resolves once its `default`
 * ServiceAccount exists — until then the ServiceAccount admission plugin
 * rejects pods, exactly as on a real cluster.
 */
export async function createTestNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const ns = await core.createNamespace({ body: { metadata: { generateName: `${prefix}-` } } });
  const name = ns.metadata!.name!;
  await waitFor(kc, `/api/v1/namespaces/${name}/serviceaccounts`, (sa) => sa.metadata?.name === 'default');
  return name;
}

/**
 * Resolves with the first object at `path` (a list path, watched) for which
 * `predicate` holds; rejects after `timeoutMs`.
 */
export async function waitFor<T extends { metadata?: { name?: string } }>(
  kc: KubeConfig,
  path: string,
  predicate: (obj: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  let abort: AbortController | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting on ${path}`)), timeoutMs);
      void new Watch(kc)
        .watch(
          path,
          {},
          (_type, obj: T) => {
            if (predicate(obj)) {
              clearTimeout(timer);
              resolve(obj);
            }
          },
          (err) => {
            if (err && (err as Error).name !== 'AbortError') reject(err as Error);
          },
        )
        .then((ac) => (abort = ac), reject);
    });
  } finally {
    abort?.abort();
  }
}
