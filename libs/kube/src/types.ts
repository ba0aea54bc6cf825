/**
 * Plain Kubernetes object shapes. The cluster's JSON is the data model: every
 * call returns exactly what the apiserver sent (timestamps stay RFC 3339
 * strings), so an object read by `get`, listed by an informer or returned by
 * `apply` looks the same everywhere.
 */

/** Metadata fields this lib reads; everything else passes through untouched. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

/** One entry of `metadata.managedFields` (who owns which fields). */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
}

/** Any Kubernetes object: `apiVersion`, `kind`, `metadata`, and whatever else its kind has. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** Names one object: resolved to a URL through API discovery, so core and custom kinds work alike. */
export interface ObjectRef {
  /** `v1`, `apps/v1`, `sluice.dev/v1alpha1`. */
  readonly apiVersion: string;
  /** `ConfigMap`, `Deployment`, `Delivery`. */
  readonly kind: string;
  /** Required for namespaced kinds, ignored for cluster-scoped ones. */
  readonly namespace?: string;
  readonly name: string;
}

/** Names a collection (a kind, optionally within one namespace). */
export interface CollectionRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** Omit to list across all namespaces. */
  readonly namespace?: string;
}

/** The `Status` object the apiserver returns for failures (and for some deletes). */
export interface KubeStatus {
  kind?: 'Status';
  apiVersion?: string;
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** The reference of an object, taken from the object itself. */
export function refOf(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): ObjectRef {
  const name = obj.metadata.name;
  if (!name) {
    throw new TypeError(`${obj.kind} has no metadata.name; set one (generateName is not supported here)`);
  }
  return obj.metadata.namespace === undefined
    ? { apiVersion: obj.apiVersion, kind: obj.kind, name }
    : { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name };
}
