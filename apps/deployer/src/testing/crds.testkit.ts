/**
 * Installing Sluice's CRDs on a test or benchmark cluster (no vitest here,
 * so the benchmark uses it too). Mirrors the gateway's testkit: the manifests
 * lib returns client-node shapes whose JSON Schema fields are renamed
 * (`_enum`, `x_kubernetes_*`); they are mapped back to wire names here.
 */
import { applicationCrd, deliveryCrd } from '@sluice/manifests';
import type { KubeClient, KubeObject } from '@sluice/kube';

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

function schemaToWire(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined) continue;
    const name = WIRE_NAMES[key] ?? key;
    if (key === 'properties') out[name] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, schemaToWire(v)]));
    else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') out[name] = (value as unknown[]).map(schemaToWire);
    else if (key === 'not') out[name] = schemaToWire(value);
    else out[name] = value;
  }
  return out;
}

function toWire(crd: ReturnType<typeof deliveryCrd>): KubeObject {
  const copy = structuredClone(crd) as unknown as { spec: { versions: { schema?: { openAPIV3Schema?: unknown } }[] } };
  for (const version of copy.spec.versions) {
    if (version.schema?.openAPIV3Schema) version.schema.openAPIV3Schema = schemaToWire(version.schema.openAPIV3Schema);
  }
  return copy as unknown as KubeObject;
}

/** Installs the Application and Delivery CRDs (idempotent) and waits until they are Established. */
export async function installCrds(client: KubeClient): Promise<void> {
  const crds = [applicationCrd(), deliveryCrd()].map(toWire);
  await Promise.all(crds.map((crd) => client.apply(crd, { force: true })));
  for (const crd of crds) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const current = await client.get<KubeObject>({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name ?? '' });
      const conditions = (current?.['status'] as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name ?? ''} not Established in 30 s`);
      // CRD establishment is not watched: it happens once per suite and takes a few hundred ms.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
