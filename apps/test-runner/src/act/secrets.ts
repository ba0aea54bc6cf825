import type { KubeClient } from '@sluice/kube';
import type { PushSecretFacts } from '../decide/push-secret.js';

/**
 * Reads the push Secret `name` in the build namespace, keeping only its name
 * and annotations (what `decidePushSecret` needs): the credential itself is
 * never held by the runner, only mounted into the build Job. Undefined when
 * it does not exist.
 */
export async function readPushSecret(client: KubeClient, namespace: string, name: string): Promise<PushSecretFacts | undefined> {
  const secret = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name });
  if (secret === undefined) return undefined;
  return { metadata: { name: secret.metadata.name ?? name, ...(secret.metadata.annotations && { annotations: { ...secret.metadata.annotations } }) } };
}
