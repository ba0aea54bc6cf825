import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { DeliverySpecSchema, DeliveryStatusSchema } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { applicationCrd, deliveryCrd } from './crds.js';
import { structuralViolations } from './testing/structural.js';
import { roundTrip, toWire } from './testing/wire.js';

function wireSchema(crd: V1CustomResourceDefinition): Record<string, unknown> {
  const spec = toWire(crd)['spec'] as { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] };
  return spec.versions[0]?.schema.openAPIV3Schema ?? {};
}

describe.each([
  ['applications', applicationCrd, 'Application', ['sluiceapp'], ['Project', 'Staging', 'Production', 'Ready', 'Reason', 'Message', 'Age']],
  ['deliveries', deliveryCrd, 'Delivery', ['dlv'], ['Application', 'Ref', 'SHA', 'Phase', 'Live-In', 'Replaced-By', 'Replaced', 'Reason', 'Message', 'Age']],
] as const)('%s.sluice.dev', (plural, build, kind, shortNames, columns) => {
  const crd = build();
  const version = crd.spec.versions[0];

  it('is a namespaced v1alpha1 resource with a status subresource', () => {
    expect(crd.metadata?.name).toBe(`${plural}.sluice.dev`);
    expect(crd.spec.group).toBe('sluice.dev');
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({ kind, plural, shortNames, categories: ['sluice'] });
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: 'v1alpha1', served: true, storage: true, subresources: { status: {} } });
  });

  it('has printer columns that read like a pipeline list', () => {
    expect(version?.additionalPrinterColumns?.map((c) => c.name)).toEqual(columns);
    expect(version?.additionalPrinterColumns?.at(-1)).toEqual({ jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' });
  });

  it('has a structural schema on the wire', () => {
    const schema = wireSchema(crd);
    expect(structuralViolations(schema)).toEqual([]);
    expect(Object.keys(schema['properties'] as object)).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    const text = JSON.stringify(schema);
    expect(text).not.toContain('$schema');
    expect(text).not.toMatch(/"_enum"|"_default"|"x_kubernetes/);
  });

  it('survives client-node serialization unchanged', () => {
    expect(roundTrip(crd)).toEqual(crd);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(build())).toBe(JSON.stringify(crd));
  });
});

describe('deliveries.sluice.dev schema', () => {
  const schema = wireSchema(deliveryCrd()) as { properties: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[]; 'x-kubernetes-validations'?: unknown }> };
  const spec = schema.properties['spec'];
  const status = schema.properties['status'];

  it('is derived from the zod schemas of @sluice/delivery', () => {
    const source = (s: typeof DeliverySpecSchema | typeof DeliveryStatusSchema) =>
      s.toJSONSchema({ target: 'openapi-3.0', io: 'input', reused: 'inline', cycles: 'throw', unrepresentable: 'throw' }) as { properties: object; required?: string[] };
    expect(Object.keys(spec?.properties ?? {})).toEqual(Object.keys(source(DeliverySpecSchema).properties));
    expect(spec?.required).toEqual(source(DeliverySpecSchema).required);
    expect(Object.keys(status?.properties ?? {})).toEqual(Object.keys(source(DeliveryStatusSchema).properties));
  });

  it('lets the API server reject a short SHA and an unknown phase', () => {
    expect(spec?.properties['checkoutSha']?.['pattern']).toBe('^[0-9a-f]{40}$');
    expect(status?.properties['phase']?.['enum']).toContain('Pending');
    expect(status?.properties['reason']?.['enum']).toContain('TestsFailed');
  });

  it('makes spec immutable', () => {
    expect(spec?.['x-kubernetes-validations']).toEqual([{ message: 'spec is immutable: a Delivery records what the webhook said', rule: 'self == oldSelf' }]);
  });
});
