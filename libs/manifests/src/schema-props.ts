import type { V1JSONSchemaProps } from '@kubernetes/client-node';
import type { WireSchema } from './structural-schema.js';

/**
 * client-node 1.x names some JSONSchemaProps fields differently in
 * TypeScript than on the wire, and its serializer maps them back — but only
 * where the field is typed as a schema. `items` and `additionalProperties`
 * are typed `any` and pass through untouched, so they must stay in wire form.
 */
const RENAMED: Readonly<Record<string, keyof V1JSONSchemaProps>> = {
  $ref: 'ref',
  $schema: 'schema',
  default: '_default',
  enum: '_enum',
  'x-kubernetes-embedded-resource': 'x_kubernetes_embedded_resource',
  'x-kubernetes-int-or-string': 'x_kubernetes_int_or_string',
  'x-kubernetes-list-map-keys': 'x_kubernetes_list_map_keys',
  'x-kubernetes-list-type': 'x_kubernetes_list_type',
  'x-kubernetes-map-type': 'x_kubernetes_map_type',
  'x-kubernetes-preserve-unknown-fields': 'x_kubernetes_preserve_unknown_fields',
  'x-kubernetes-validations': 'x_kubernetes_validations',
};

/**
 * A wire-form schema as client-node's `V1JSONSchemaProps`, so that
 * `dumpYaml`, `KubernetesObjectApi` and the typed APIs serialize it back to
 * exactly the wire form.
 */
export function toJsonSchemaProps(wire: WireSchema): V1JSONSchemaProps {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wire)) {
    const name = RENAMED[key] ?? key;
    if (key === 'properties') {
      out[name] = Object.fromEntries(Object.entries(value as Record<string, WireSchema>).map(([k, v]) => [k, toJsonSchemaProps(v)]));
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[name] = (value as WireSchema[]).map(toJsonSchemaProps);
    } else if (key === 'not') {
      out[name] = toJsonSchemaProps(value as WireSchema);
    } else {
      out[name] = value;
    }
  }
  return out as V1JSONSchemaProps;
}
