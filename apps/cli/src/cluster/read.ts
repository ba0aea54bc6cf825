import { API_GROUP_VERSION, APPLICATION_RESOURCE, DELIVERY_RESOURCE, parseApplication, parseDelivery, type Application, type Delivery } from '@sluice/delivery';
import { isKubeError, resourcePath, type KubeClient, type KubeObject } from '@sluice/kube';
import { failure } from '../cli/errors.js';
import type { ServiceFacts } from '../decide/rollback.js';

/** The Delivery collection of `namespace`, for informers. */
export function deliveriesPath(namespace: string): string {
  return resourcePath({ apiVersion: API_GROUP_VERSION, plural: DELIVERY_RESOURCE.plural, namespace });
}

/** The Application collection of `namespace`, for informers. */
export function applicationsPath(namespace: string): string {
  return resourcePath({ apiVersion: API_GROUP_VERSION, plural: APPLICATION_RESOURCE.plural, namespace });
}

/** A Delivery object as read, or why it is not a valid one. */
export type DeliveryRead = { readonly ok: true; readonly delivery: Delivery } | { readonly ok: false; readonly name: string; readonly problem: string };

/** Parses a Delivery read from the cluster; an invalid one is reported, not thrown. */
export function readDelivery(raw: KubeObject): DeliveryRead {
  const parsed = parseDelivery(raw);
  if (parsed.ok) return { ok: true, delivery: parsed.value };
  return { ok: false, name: raw.metadata.name ?? '?', problem: parsed.error.problems[0] ?? 'invalid' };
}

/** One Delivery; a clear failure when it does not exist or is not valid. */
export async function getDelivery(client: KubeClient, namespace: string, name: string): Promise<{ raw: KubeObject; delivery: Delivery }> {
  const raw = await client.get<KubeObject>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name });
  if (!raw) throw failure(`delivery "${name}" not found in namespace "${namespace}" (list them with 'sluice deliveries')`);
  const read = readDelivery(raw);
  if (!read.ok) throw failure(`delivery "${name}" is not a valid Delivery: ${read.problem}`);
  return { raw, delivery: read.delivery };
}

/** Every Delivery of the namespace, plus the ones that are not valid (reported apart). */
export async function listDeliveries(client: KubeClient, namespace: string): Promise<{ deliveries: Delivery[]; invalid: { name: string; problem: string }[] }> {
  const { items } = await client.list<KubeObject>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace });
  const reads = items.map(readDelivery);
  return {
    deliveries: reads.flatMap((r) => (r.ok ? [r.delivery] : [])),
    invalid: reads.flatMap((r) => (r.ok ? [] : [{ name: r.name, problem: r.problem }])),
  };
}

/** One Application; a clear failure when it does not exist or is not valid. */
export async function getApplication(client: KubeClient, namespace: string, name: string): Promise<Application> {
  const raw = await client.get<KubeObject>({ apiVersion: API_GROUP_VERSION, kind: 'Application', namespace, name });
  if (!raw) throw failure(`application "${name}" not found in namespace "${namespace}"`);
  const parsed = parseApplication(raw);
  if (!parsed.ok) throw failure(`application "${name}" is not a valid Application: ${parsed.error.problems[0] ?? 'invalid'}`);
  return parsed.value;
}

/** Application `name` as stored, valid or not; `undefined` when it is gone or may not be read. */
export async function findRawApplication(client: KubeClient, namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get<KubeObject>({ apiVersion: API_GROUP_VERSION, kind: 'Application', namespace, name });
  } catch (err) {
    if (isKubeError(err, 'Forbidden')) return undefined;
    throw err;
  }
}

/** The annotations of an environment's Service, where the deployer records what is live and what a rollback returns to. */
export async function readService(client: KubeClient, namespace: string, name: string): Promise<ServiceFacts> {
  try {
    const service = await client.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace, name });
    return service ? { kind: 'found', annotations: service.metadata.annotations ?? {} } : { kind: 'absent' };
  } catch (err) {
    // Someone allowed to roll back may still not read the app's namespace; the deployer checks anyway.
    if (isKubeError(err, 'Forbidden')) return { kind: 'unknown' };
    throw err;
  }
}
