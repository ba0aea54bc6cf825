import { ANNOTATIONS } from '@sluice/delivery';
import { isKubeError, type KubeClient, type KubeObject } from '@sluice/kube';
import { microTime, type LeaseObject } from '../decide/lease.js';

function ref(namespace: string, name: string) {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name };
}

/** Reads an environment's Lease. */
export async function readLease(client: KubeClient, namespace: string, name: string): Promise<LeaseObject | undefined> {
  return client.get<LeaseObject & KubeObject>(ref(namespace, name));
}

/** Creates the Lease held by `identity`; `undefined` when someone created it first. */
export async function createLease(
  client: KubeClient,
  namespace: string,
  name: string,
  identity: string,
  durationMs: number,
  delivery: string,
): Promise<LeaseObject | undefined> {
  const now = microTime(Date.now());
  const result = await client.createIfAbsent<KubeObject>({
    ...ref(namespace, name),
    metadata: { name, namespace, annotations: { [ANNOTATIONS.delivery]: delivery } },
    spec: { holderIdentity: identity, leaseDurationSeconds: Math.ceil(durationMs / 1000), acquireTime: now, renewTime: now, leaseTransitions: 0 },
  });
  return result.created ? (result.object as LeaseObject) : undefined;
}

/**
 * Takes or renews (or, with a null identity, releases) the Lease, conditional on
 * the resourceVersion read: a merge patch carrying `metadata.resourceVersion`
 * is refused with Conflict if anyone wrote in between. `undefined`: someone
 * else won.
 */
export async function takeLease(
  client: KubeClient,
  lease: LeaseObject,
  patch: { readonly identity: string | null; readonly durationMs: number; readonly delivery: string | null; readonly transition: boolean },
): Promise<LeaseObject | undefined> {
  const now = microTime(Date.now());
  try {
    return await client.mergePatch<LeaseObject & KubeObject>(ref(lease.metadata.namespace ?? '', lease.metadata.name ?? ''), {
      metadata: { resourceVersion: lease.metadata.resourceVersion, annotations: { [ANNOTATIONS.delivery]: patch.delivery } },
      spec: {
        holderIdentity: patch.identity,
        leaseDurationSeconds: Math.ceil(patch.durationMs / 1000),
        renewTime: patch.identity === null ? null : now,
        ...(patch.transition && { acquireTime: now, leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + 1 }),
      },
    });
  } catch (err) {
    if (isKubeError(err, 'Conflict', 'NotFound')) return undefined;
    throw err;
  }
}
