import { ANNOTATIONS, API_GROUP_VERSION } from '@sluice/delivery';
import { isKubeError, type KubeClient } from '@sluice/kube';

/**
 * Removes the Application's `sluice.dev/action` annotation, conditional on the
 * resourceVersion it was read at. Consuming the action before taking it makes
 * it at-most-once: a crash in between loses the action (logged) rather than
 * toggling traffic twice. `record` (the outcome) is written in the same patch
 * as `sluice.dev/last-action`. `false`: the Application changed meanwhile.
 */
export async function consumeAction(
  client: KubeClient,
  namespace: string,
  name: string,
  resourceVersion: string | undefined,
  record?: string,
): Promise<boolean> {
  try {
    await client.mergePatch(
      { apiVersion: API_GROUP_VERSION, kind: 'Application', namespace, name },
      { metadata: { resourceVersion, annotations: { [ANNOTATIONS.action]: null, ...(record !== undefined && { [ANNOTATIONS.lastAction]: record }) } } },
    );
    return true;
  } catch (err) {
    if (isKubeError(err, 'Conflict', 'NotFound')) return false;
    throw err;
  }
}

/**
 * Consumes a Delivery's `sluice.dev/action` and writes `annotations` in the
 * same patch, conditional on the resourceVersion read (at-most-once, and the
 * approval it records survives a crash). `false`: it changed meanwhile.
 */
export async function consumeDeliveryAction(
  client: KubeClient,
  delivery: { readonly metadata: { readonly namespace?: string | undefined; readonly name?: string | undefined; readonly resourceVersion?: string | undefined } },
  annotations: Readonly<Record<string, string | null>>,
): Promise<boolean> {
  try {
    await client.mergePatch(
      { apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: delivery.metadata.namespace, name: delivery.metadata.name ?? '' },
      { metadata: { resourceVersion: delivery.metadata.resourceVersion, annotations } },
    );
    return true;
  } catch (err) {
    if (isKubeError(err, 'Conflict', 'NotFound')) return false;
    throw err;
  }
}
