import type { KubeClient, KubeObject } from '@sluice/kube';
import { activeService, COLOR_LABEL, type Color } from '@sluice/manifests';

/** Creates the environment's Service selecting `color` (the first promotion), with the switch annotations. */
export async function createService(
  client: KubeClient,
  props: { readonly app: string; readonly namespace: string; readonly name: string; readonly color: Color; readonly annotations: Readonly<Record<string, string>> },
): Promise<void> {
  const service = activeService({ app: props.app, namespace: props.namespace, name: props.name, color: props.color }) as unknown as KubeObject;
  service.metadata.annotations = { ...props.annotations };
  await client.apply(service, { force: true });
}

/**
 * Points the Service at `color`: one merge patch touching only the selector's
 * color and the deployer's annotations, so the cut-over (and a rollback) is a
 * single atomic write.
 */
export async function switchService(
  client: KubeClient,
  namespace: string,
  name: string,
  color: Color,
  annotations: Readonly<Record<string, string>>,
): Promise<void> {
  await client.mergePatch({ apiVersion: 'v1', kind: 'Service', namespace, name }, { metadata: { annotations }, spec: { selector: { [COLOR_LABEL]: color } } });
}

/** Writes deployer annotations on the Service (never the selector). */
export async function annotateService(client: KubeClient, namespace: string, name: string, annotations: Readonly<Record<string, string>>): Promise<void> {
  await client.mergePatch({ apiVersion: 'v1', kind: 'Service', namespace, name }, { metadata: { annotations } });
}
