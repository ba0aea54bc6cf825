import { dumpYaml, loadYaml } from '@kubernetes/client-node';

/**
 * What the API server receives for `obj`: client-node's serializer applied
 * (TypeScript names such as `_from` and `_enum` mapped to wire names), then
 * parsed as plain data. The apiVersion/kind lines are removed before parsing
 * so client-node does not map the names back.
 */
export function toWire(obj: object): Record<string, unknown> {
  return loadYaml<Record<string, unknown>>(dumpYaml(obj).replace(/^(apiVersion|kind): .*\n/gm, ''));
}

/** `obj` serialized and deserialized by client-node, as an app reading it back would see it. */
export function roundTrip<T extends object>(obj: T): T {
  return loadYaml<T>(dumpYaml(obj));
}
