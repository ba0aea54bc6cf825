import { API_GROUP_VERSION } from '@sluice/delivery';
import { isKubeError, type KubeClient } from '@sluice/kube';

/**
 * Sets one annotation on a Sluice object with a merge patch conditional on
 * the resourceVersion the decision was made from, so the CLI never acts on a
 * view someone else changed meanwhile. `false`: it changed; read and decide again.
 */
export async function annotate(
  client: KubeClient,
  target: { readonly kind: 'Application' | 'Delivery'; readonly namespace: string; readonly name: string; readonly resourceVersion: string | undefined },
  key: string,
  value: string,
): Promise<boolean> {
  try {
    await client.mergePatch(
      { apiVersion: API_GROUP_VERSION, kind: target.kind, namespace: target.namespace, name: target.name },
      { metadata: { resourceVersion: target.resourceVersion, annotations: { [key]: value } } },
    );
    return true;
  } catch (err) {
    if (isKubeError(err, 'Conflict')) return false;
    throw err;
  }
}
