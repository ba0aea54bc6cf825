import type { V1CustomResourceColumnDefinition, V1CustomResourceDefinition, V1JSONSchemaProps } from '@kubernetes/client-node';
import {
  APPLICATION_RESOURCE,
  ApplicationSpecSchema,
  ApplicationStatusSchema,
  DELIVERY_RESOURCE,
  DeliverySpecSchema,
  DeliveryStatusSchema,
} from '@sluice/delivery';
import { ManifestError } from './errors.js';
import { toJsonSchemaProps } from './schema-props.js';
import type { WireSchema } from './structural-schema.js';
import { toStructuralSchema } from './structural-schema.js';
import { MANAGED_BY } from './validate.js';

/** What a zod 4 schema offers for conversion; typed structurally so this lib needs no zod import. */
interface JsonSchemaSource {
  toJSONSchema(params: { target: 'openapi-3.0'; io: 'input'; reused: 'inline'; cycles: 'throw'; unrepresentable: 'throw' }): unknown;
}

/** Short names and category; `sluiceapp` because `app`/`application` clash with other CRDs (Argo CD, kapp). */
const APPLICATION_SHORT_NAMES = ['sluiceapp'];
const DELIVERY_SHORT_NAMES = ['dlv'];
/** `kubectl get sluice` lists Applications and Deliveries together. */
const CATEGORIES = ['sluice'];

function structural(name: string, schema: JsonSchemaSource): WireSchema {
  let json: unknown;
  try {
    // `input`: validate what people and controllers write (defaults are optional), not what zod hands back.
    json = schema.toJSONSchema({ target: 'openapi-3.0', io: 'input', reused: 'inline', cycles: 'throw', unrepresentable: 'throw' });
  } catch (cause) {
    throw new ManifestError('UnsupportedSchema', 'crd', `${name} cannot be turned into JSON Schema (${String(cause)}); keep transforms, dates and recursion out of CRD schemas`, { cause });
  }
  try {
    return toStructuralSchema(json);
  } catch (cause) {
    if (cause instanceof ManifestError) throw new ManifestError(cause.code, 'crd', `${name} ${cause.message}`, { cause });
    throw cause;
  }
}

interface CrdProps {
  readonly resource: { readonly group: string; readonly version: string; readonly kind: string; readonly plural: string; readonly singular: string };
  readonly description: string;
  readonly shortNames: readonly string[];
  readonly spec: WireSchema;
  readonly status: WireSchema;
  readonly columns: readonly V1CustomResourceColumnDefinition[];
}

function crd(p: CrdProps): V1CustomResourceDefinition {
  const root: V1JSONSchemaProps = {
    description: p.description,
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: toJsonSchemaProps(p.spec),
      status: toJsonSchemaProps(p.status),
    },
    required: ['spec'],
    type: 'object',
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { labels: { ...MANAGED_BY }, name: `${p.resource.plural}.${p.resource.group}` },
    spec: {
      group: p.resource.group,
      names: {
        categories: [...CATEGORIES],
        kind: p.resource.kind,
        listKind: `${p.resource.kind}List`,
        plural: p.resource.plural,
        shortNames: [...p.shortNames],
        singular: p.resource.singular,
      },
      scope: 'Namespaced',
      versions: [
        {
          additionalPrinterColumns: p.columns.map((c) => ({ ...c })),
          name: p.resource.version,
          schema: { openAPIV3Schema: root },
          served: true,
          storage: true,
          subresources: { status: {} },
        },
      ],
    },
  };
}

const AGE: V1CustomResourceColumnDefinition = { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' };

/**
 * `applications.sluice.dev`: the platform team's configuration for one
 * GitLab project. The schema is derived from `@sluice/delivery`'s zod
 * schemas, so the API server and the apps validate the same shape.
 */
export function applicationCrd(): V1CustomResourceDefinition {
  return crd({
    resource: APPLICATION_RESOURCE,
    description: 'Sluice configuration for one GitLab project: which refs deliver to which environments, how to test, build and deploy.',
    shortNames: APPLICATION_SHORT_NAMES,
    spec: structural('ApplicationSpecSchema', ApplicationSpecSchema),
    status: structural('ApplicationStatusSchema', ApplicationStatusSchema),
    columns: [
      { jsonPath: '.spec.project.path', name: 'Project', type: 'string' },
      // JSONPath cannot list map keys, so each environment gets a column showing its target namespace.
      { description: 'Staging namespace, if configured', jsonPath: '.spec.environments.staging.namespace', name: 'Staging', type: 'string' },
      { description: 'Production namespace', jsonPath: '.spec.environments.production.namespace', name: 'Production', type: 'string' },
      // Written by the deployer: False when the Application is invalid, still carries a removed annotation, or loses its project to another.
      { description: 'Whether the Application is in effect', jsonPath: '.status.conditions[?(@.type=="Ready")].status', name: 'Ready', type: 'string' },
      { description: 'Why (CamelCase)', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', name: 'Reason', type: 'string' },
      { description: 'What to fix', jsonPath: '.status.conditions[?(@.type=="Ready")].message', name: 'Message', priority: 1, type: 'string' },
      AGE,
    ],
  });
}

/**
 * `deliveries.sluice.dev`: one push being tested and deployed. `spec` is
 * what the webhook said and is immutable (enforced by a CEL rule); the
 * controllers advance `status` through the status subresource.
 */
export function deliveryCrd(): V1CustomResourceDefinition {
  const spec: WireSchema = {
    ...structural('DeliverySpecSchema', DeliverySpecSchema),
    'x-kubernetes-validations': [{ message: 'spec is immutable: a Delivery records what the webhook said', rule: 'self == oldSelf' }],
  };
  return crd({
    resource: DELIVERY_RESOURCE,
    description: 'One push (project, ref, commit) on its way from test to production.',
    shortNames: DELIVERY_SHORT_NAMES,
    spec,
    status: structural('DeliveryStatusSchema', DeliveryStatusSchema),
    columns: [
      { jsonPath: '.spec.application', name: 'Application', type: 'string' },
      { jsonPath: '.spec.ref', name: 'Ref', type: 'string' },
      // JSONPath cannot cut a string; the short SHA is already part of the Delivery name.
      { jsonPath: '.spec.checkoutSha', name: 'SHA', priority: 1, type: 'string' },
      { jsonPath: '.status.phase', name: 'Phase', type: 'string' },
      // Written by the deployer from each environment's Service: a Live Delivery stays Live; these say whether it still serves.
      // A list prints as JSON (["staging","production"]); `[*]` would print its first item only.
      { description: "Environments this Delivery's revision serves now", jsonPath: '.status.liveIn', name: 'Live-In', type: 'string' },
      // The last replacement: production's when it was replaced there (staging sorts first); the rest is in status.replaced.
      { description: 'The Delivery that took its place (the last of status.replaced)', jsonPath: '.status.replaced[-1:].by', name: 'Replaced-By', type: 'string' },
      { description: 'When it was replaced', jsonPath: '.status.replaced[-1:].at', name: 'Replaced', priority: 1, type: 'date' },
      { jsonPath: '.status.reason', name: 'Reason', type: 'string' },
      { jsonPath: '.status.message', name: 'Message', priority: 1, type: 'string' },
      AGE,
    ],
  });
}
