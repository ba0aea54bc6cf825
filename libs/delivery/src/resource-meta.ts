import * as z from 'zod';

/** API group of Sluice's custom resources. */
export const API_GROUP = 'sluice.dev';
/** Served and stored version of Sluice's custom resources. */
export const API_VERSION = 'v1alpha1';
/** `apiVersion` field value of every Sluice object. */
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}` as const;

/** How to address the Application resource through the Kubernetes API. */
export const APPLICATION_RESOURCE = {
  group: API_GROUP,
  version: API_VERSION,
  kind: 'Application',
  plural: 'applications',
  singular: 'application',
} as const;

/** How to address the Delivery resource through the Kubernetes API. */
export const DELIVERY_RESOURCE = {
  group: API_GROUP,
  version: API_VERSION,
  kind: 'Delivery',
  plural: 'deliveries',
  singular: 'delivery',
} as const;

/**
 * The part of Kubernetes object metadata Sluice reads. Unknown fields are
 * kept (`managedFields`, `ownerReferences`, …) so a parsed object can be
 * inspected without losing what the API server sent.
 */
export const ObjectMetaSchema = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().optional(),
  creationTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
/** Kubernetes object metadata as Sluice reads it. */
export type ObjectMeta = z.infer<typeof ObjectMetaSchema>;

/** A standard Kubernetes status condition (`metav1.Condition`). */
export const ConditionSchema = z.object({
  type: z.string().min(1).max(316),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z
    .string()
    .max(1024)
    .regex(/^[A-Za-z](?:[A-Za-z0-9_,:]*[A-Za-z0-9_])?$/, { error: 'must be a CamelCase reason' }),
  message: z.string().max(32768).default(''),
  lastTransitionTime: z.iso.datetime(),
  observedGeneration: z.int().min(0).optional(),
});
/** A standard Kubernetes status condition. */
export type Condition = z.infer<typeof ConditionSchema>;
