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
 * The Service as the decision saw it: with its `resourceVersion`, a write is
 * refused (409 Conflict) when the Service changed since, e.g. by a deposed
 * replica or a manual edit, and the step is decided again from fresh facts.
 * Without one (a manual action, already consumed), the write is unconditional.
 */
export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion?: string | undefined;
}

/**
 * Points the Service at `color`: one merge patch touching only the selector's
 * color and the deployer's annotations, so the cut-over (and a rollback) is a
 * single atomic write.
 */
export async function switchService(client: KubeClient, service: ServiceRef, color: Color, annotations: Readonly<Record<string, string>>): Promise<void> {
  await client.mergePatch(serviceObject(service), { metadata: { annotations, ...precondition(service) }, spec: { selector: { [COLOR_LABEL]: color } } });
}

/** Writes deployer annotations on the Service (never the selector). */
export async function annotateService(client: KubeClient, service: ServiceRef, annotations: Readonly<Record<string, string>>): Promise<void> {
  await client.mergePatch(serviceObject(service), { metadata: { annotations, ...precondition(service) } });
}

/** The Service's current `resourceVersion`, read from the apiserver (`undefined`: there is none). */
export async function serviceVersion(client: KubeClient, namespace: string, name: string): Promise<string | undefined> {
  return (await client.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace, name }))?.metadata.resourceVersion;
}

function serviceObject(service: ServiceRef) {
  return { apiVersion: 'v1', kind: 'Service', namespace: service.namespace, name: service.name };
}

function precondition(service: ServiceRef): { resourceVersion?: string } {
  return service.resourceVersion !== undefined ? { resourceVersion: service.resourceVersion } : {};
}
