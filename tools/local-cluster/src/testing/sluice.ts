/** Test helpers on `@sluice/kube`, shared by every app's integration tests. */
import { kubeClientFromFile, resourcePath, type KubeClient, type KubeObject } from '@sluice/kube';
import { applicationCrd, deliveryCrd, toWire } from '@sluice/manifests';

type WithConditions = KubeObject & { status?: { conditions?: { type: string; status: string }[] } };

/** A client with the test cluster's admin credentials (the path the global setup provides). */
export function adminClient(kubeconfigPath: string, fieldManager: string): KubeClient {
  return kubeClientFromFile(kubeconfigPath, { fieldManager });
}

/**
 * Resolves with the first object under the list `path` for which `predicate`
 * holds — from the initial list or any later watch event; rejects after
 * `timeoutMs`.
 */
export function waitForObject<T extends KubeObject>(
  client: KubeClient,
  path: string,
  predicate: (obj: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      informer.stop();
      outcome();
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting on ${path}`))), timeoutMs);
    const informer = client.informer<T>({
      path,
      onEvent: (event) => {
        if (event.type !== 'DELETED' && event.type !== 'RESYNC' && predicate(event.object)) finish(() => resolve(event.object));
      },
    });
  });
}

/**
 * Creates a namespace with a unique name (`<prefix>-xxxxx`) and waits for its
 * `default` ServiceAccount: until it exists, pods are refused, as on any
 * real cluster.
 */
export async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const ns = await client.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: `${prefix}-` } });
  const name = ns.metadata.name as string;
  await waitForObject(client, resourcePath({ apiVersion: 'v1', plural: 'serviceaccounts', namespace: name }), (o) => o.metadata.name === 'default');
  return name;
}

/** Deletes a namespace (and so everything in it). */
export async function deleteNamespace(client: KubeClient, name: string): Promise<void> {
  await client.delete({ apiVersion: 'v1', kind: 'Namespace', name });
}

/**
 * Installs Sluice's Application and Delivery CRDs with server-side apply
 * (idempotent: every test file may call it) and resolves once the apiserver
 * serves both.
 */
export async function installSluiceCrds(client: KubeClient): Promise<void> {
  const crds = [applicationCrd(), deliveryCrd()].map((crd) => toWire(crd) as KubeObject);
  await Promise.all(crds.map((crd) => client.apply(crd, { force: true })));
  await Promise.all(
    crds.map((crd) =>
      waitForObject<WithConditions>(
        client,
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        (o) => o.metadata.name === crd.metadata.name && (o.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True'),
      ),
    ),
  );
}
