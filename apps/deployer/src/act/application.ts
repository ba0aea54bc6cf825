import { API_GROUP_VERSION } from '@sluice/delivery';
import { isKubeError, type KubeClient } from '@sluice/kube';
import { ANNOTATIONS } from '../decide/annotations.js';

/**
 * Removes the Application's `sluice.dev/action` annotation, conditional on the
 * resourceVersion it was read at. Consuming the action before taking it makes
 * it at-most-once: a crash in between loses the action (logged) rather than
 * toggling traffic twice. `false`: the Application changed meanwhile.
 */
export async function consumeAction(client: KubeClient, namespace: string, name: string, resourceVersion: string | undefined): Promise<boolean> {
  try {
    await client.mergePatch(
      { apiVersion: API_GROUP_VERSION, kind: 'Application', namespace, name },
      { metadata: { resourceVersion, annotations: { [ANNOTATIONS.action]: null } } },
    );
    return true;
  } catch (err) {
    if (isKubeError(err, 'Conflict', 'NotFound')) return false;
    throw err;
  }
}
