import { ANNOTATIONS } from '@sluice/delivery';
import { isKubeError, type KubeClient, type KubeObject } from '@sluice/kube';
import { activeService, COLOR_LABEL, type Color } from '@sluice/manifests';

/**
 * Creates the environment's Service selecting `color` (the first promotion),
 * with the switch annotations and the owner annotation. A create, never an
 * apply: if a Service of that name appeared since it was found absent, it is
 * left alone (`false`) and the step is decided again.
 */
export async function createService(
  client: KubeClient,
  props: {
    readonly app: string;
    readonly namespace: string;
    readonly name: string;
    readonly color: Color;
    readonly owner: string;
    readonly annotations: Readonly<Record<string, string>>;
  },
): Promise<boolean> {
  const service = activeService({ app: props.app, namespace: props.namespace, name: props.name, color: props.color, owner: props.owner }) as unknown as KubeObject;
  service.metadata.annotations = { ...props.annotations, ...service.metadata.annotations };
  try {
    await client.create(service);
    return true;
  } catch (err) {
    if (isKubeError(err, 'AlreadyExists')) return false;
    throw err;
  }
}

/**
 * The Service as the decision saw it: with its `resourceVersion`, a write is
 * refused (409 Conflict) when the Service changed since, e.g. by a deposed
 * replica or a manual edit, and the step is decided again from fresh facts.
 * Without one (a manual action, already consumed), the write is unconditional.
 * Every write carries `owner` (`sluice.dev/owner`): a Service an earlier
 * deployer made is adopted by its first write.
 */
export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
  readonly owner: string;
  readonly resourceVersion?: string | undefined;
}

/**
 * Points the Service at `color`: one merge patch touching only the selector's
 * color and the deployer's annotations, so the cut-over (and a rollback) is a
 * single atomic write.
 */
export async function switchService(client: KubeClient, service: ServiceRef, color: Color, annotations: Readonly<Record<string, string>>): Promise<void> {
  await client.mergePatch(serviceObject(service), { metadata: { annotations: owned(service, annotations), ...precondition(service) }, spec: { selector: { [COLOR_LABEL]: color } } });
}

/** Writes deployer annotations on the Service (never the selector). */
export async function annotateService(client: KubeClient, service: ServiceRef, annotations: Readonly<Record<string, string>>): Promise<void> {
  await client.mergePatch(serviceObject(service), { metadata: { annotations: owned(service, annotations), ...precondition(service) } });
}

function serviceObject(service: ServiceRef) {
  return { apiVersion: 'v1', kind: 'Service', namespace: service.namespace, name: service.name };
}

function owned(service: ServiceRef, annotations: Readonly<Record<string, string>>): Record<string, string> {
  return { ...annotations, [ANNOTATIONS.owner]: service.owner };
}

function precondition(service: ServiceRef): { resourceVersion?: string } {
  return service.resourceVersion !== undefined ? { resourceVersion: service.resourceVersion } : {};
}
