/**
 * Installing Sluice's CRDs on a test or benchmark cluster. No vitest here, so
 * the benchmark can use it too.
 */
import { applicationCrd, deliveryCrd } from '@sluice/manifests';
import type { KubeClient, KubeObject } from '@sluice/kube';

/**
 * Installs the Application and Delivery CRDs with server-side apply
 * (idempotent, so every test file may call it) and waits until the apiserver
 * serves them.
 */
export async function installCrds(client: KubeClient): Promise<void> {
  const crds = [applicationCrd(), deliveryCrd()].map((crd) => toWire(crd) as KubeObject);
  await Promise.all(crds.map((crd) => client.apply(crd, { force: true })));
  await Promise.all(
    crds.map((crd) =>
      waitUntil(async () => {
        const current = await client.get<KubeObject>({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name as string });
        const conditions = ((current?.['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
        return conditions.some((c) => c.type === 'Established' && c.status === 'True');
      }, `CRD ${crd.metadata.name} to be Established`),
    ),
  );
}

/** Re-checks `condition` every 100 ms until it holds; fails after `timeoutMs`. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// `@sluice/manifests` returns client-node's TypeScript shapes, whose JSON
// Schema fields are renamed (`_enum`, `x_kubernetes_validations`, …); the
// gateway does not depend on client-node's serializer, so the few renames
// are undone here, only where a node is a schema (never in property names).
const WIRE_NAMES: Readonly<Record<string, string>> = {
  ref: '$ref',
  schema: '$schema',
  _default: 'default',
  _enum: 'enum',
  x_kubernetes_embedded_resource: 'x-kubernetes-embedded-resource',
  x_kubernetes_int_or_string: 'x-kubernetes-int-or-string',
  x_kubernetes_list_map_keys: 'x-kubernetes-list-map-keys',
  x_kubernetes_list_type: 'x-kubernetes-list-type',
  x_kubernetes_map_type: 'x-kubernetes-map-type',
  x_kubernetes_preserve_unknown_fields: 'x-kubernetes-preserve-unknown-fields',
  x_kubernetes_validations: 'x-kubernetes-validations',
};

function toWire(crd: ReturnType<typeof deliveryCrd>): unknown {
  const copy = structuredClone(crd) as unknown as { spec: { versions: { schema?: { openAPIV3Schema?: unknown } }[] } };
  for (const version of copy.spec.versions) {
    if (version.schema?.openAPIV3Schema) version.schema.openAPIV3Schema = schemaToWire(version.schema.openAPIV3Schema);
  }
  return copy;
}

function schemaToWire(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined) continue;
    const name = WIRE_NAMES[key] ?? key;
    if (key === 'properties') {
      out[name] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, schemaToWire(v)]));
    } else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[name] = (value as unknown[]).map(schemaToWire);
    } else if (key === 'not') {
      out[name] = schemaToWire(value);
    } else {
      // `items` and `additionalProperties` are untyped in client-node and already in wire form.
      out[name] = value;
    }
  }
  return out;
}
