import { dumpYaml } from '@kubernetes/client-node';
import type { KubeObject } from '@sluice/kube';
import { parse } from 'yaml';

/**
 * A manifest in wire form, typed by the client-node model `T` it follows:
 * every field has the name the apiserver reads, so it goes to `KubeClient`
 * or into a YAML file as it is — no `toWire`. The workload builders (Job,
 * Deployment) return this; their models have no renamed fields.
 */
export type Wire<T extends { metadata?: object }> = T & KubeObject & { metadata: NonNullable<T['metadata']> & { name: string } };

/**
 * The object exactly as the apiserver expects it on the wire, for the
 * builders that still return client-node models (policies, CRDs, RBAC, …).
 *
 * Those models rename a few fields in TypeScript (`_from` for a NetworkPolicy
 * peer list, `_default` and `_enum` in schemas, `x_kubernetes_*`). client-node's
 * typed APIs rename them back themselves; anything that sends raw JSON (like
 * `@sluice/kube`) or writes files must pass such objects through here first.
 * Uses client-node's own serializer, so every rename it knows is undone.
 * Never pass a {@link Wire} object: it is converted already.
 */
export function toWire<T extends { readonly apiVersion?: string; readonly kind?: string }>(object: T): Record<string, unknown> {
  return parse(dumpYaml(object)) as Record<string, unknown>;
}
