import { dumpYaml } from '@kubernetes/client-node';
import { parse } from 'yaml';

/**
 * The object exactly as the apiserver expects it on the wire.
 *
 * The builders are typed with client-node's models, a few of whose fields are
 * renamed in TypeScript (`_from` for a NetworkPolicy peer list, `_default`
 * and `_enum` in schemas, `x_kubernetes_*`). client-node's typed APIs rename
 * them back themselves; anything that sends raw JSON (like `@sluice/kube`)
 * or writes files must pass objects through here first. Uses client-node's
 * own serializer, so every rename it knows is undone.
 */
export function toWire<T extends { readonly apiVersion?: string; readonly kind?: string }>(object: T): Record<string, unknown> {
  return parse(dumpYaml(object)) as Record<string, unknown>;
}
