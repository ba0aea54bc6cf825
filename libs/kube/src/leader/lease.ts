import type { KubeClient } from '../client.js';
import { isKubeError } from '../errors.js';
import type { KubeObject } from '../types.js';
import { microTime, type LeaseSpec } from './decide.js';

/** A coordination.k8s.io/v1 Lease as the elector reads it. */
export type LeaseObject = KubeObject & { spec?: LeaseSpec };

/** Where a Lease lives. */
export interface LeaseRef {
  readonly namespace: string;
  readonly name: string;
}

function ref({ namespace, name }: LeaseRef) {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name } as const;
}

/** Reads the Lease; `undefined` when it does not exist. */
export function readLease(client: KubeClient, at: LeaseRef): Promise<LeaseObject | undefined> {
  return client.get<LeaseObject>(ref(at));
}

/** Creates the Lease held by `identity`; `undefined` when another replica created it first. */
export async function createLease(client: KubeClient, at: LeaseRef, identity: string, durationSeconds: number, nowMs: number): Promise<LeaseObject | undefined> {
  const now = microTime(nowMs);
  try {
    return await client.create<LeaseObject>({
      ...ref(at),
      metadata: { name: at.name, namespace: at.namespace },
      spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
    });
  } catch (err) {
    if (isKubeError(err, 'AlreadyExists')) return undefined;
    throw err;
  }
}

/**
 * Writes the Lease's spec conditional on the resourceVersion `read` had: a
 * merge patch carrying `metadata.resourceVersion` is refused with Conflict if
 * anyone wrote in between (an optimistic-concurrency update). `undefined`:
 * another replica wrote first, or the Lease is gone.
 */
export async function writeLease(client: KubeClient, read: LeaseObject, spec: LeaseSpec): Promise<LeaseObject | undefined> {
  try {
    return await client.mergePatch<LeaseObject>(ref({ namespace: read.metadata.namespace ?? '', name: read.metadata.name ?? '' }), {
      metadata: { resourceVersion: read.metadata.resourceVersion },
      spec,
    });
  } catch (err) {
    if (isKubeError(err, 'Conflict', 'NotFound')) return undefined;
    throw err;
  }
}
