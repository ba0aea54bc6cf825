/** What a URL path to a resource is made of. */
export interface ResourcePathParts {
  /** `v1`, `apps/v1`, `sluice.dev/v1alpha1`. */
  readonly apiVersion: string;
  /** Lower-case plural resource name: `configmaps`, `deliveries`. */
  readonly plural: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` for the others. */
export function groupVersionPath(apiVersion: string): string {
  if (!/^[a-z0-9.-]+(\/[a-z0-9]+)?$/.test(apiVersion)) {
    throw new TypeError(`"${apiVersion}" is not an apiVersion; expected "v1" or "<group>/<version>"`);
  }
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/**
 * The URL path of a collection, object or subresource, e.g.
 * `/apis/sluice.dev/v1alpha1/namespaces/sluice-system/deliveries/d1/status`.
 * Pure; use it to build the `path` an informer watches.
 */
export function resourcePath(parts: ResourcePathParts): string {
  const segments = [groupVersionPath(parts.apiVersion)];
  if (parts.namespace !== undefined) segments.push('namespaces', encodeURIComponent(parts.namespace));
  segments.push(encodeURIComponent(parts.plural));
  if (parts.name !== undefined) segments.push(encodeURIComponent(parts.name));
  if (parts.subresource !== undefined) {
    if (parts.name === undefined) throw new TypeError('a subresource path needs a name');
    segments.push(encodeURIComponent(parts.subresource));
  }
  return segments.join('/');
}

/** The cache key of an object: `namespace/name`, or `name` when cluster-scoped. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
