import { KubeError } from './errors.js';
import { groupVersionPath } from './paths.js';
import type { KubeTransport } from './transport.js';

/** What discovery says about one kind. */
export interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

/**
 * Maps `apiVersion` + `kind` to a resource name via the apiserver's discovery
 * documents, so one code path serves core kinds and CRDs. A group-version is
 * fetched once; a kind missing from the cached copy triggers one refetch,
 * because a CRD may have been installed since.
 */
export class Discovery {
  private readonly cache = new Map<string, Promise<ApiResourceList>>();

  constructor(private readonly transport: KubeTransport) {}

  async resolve(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const cached = this.cache.get(apiVersion);
    const fromCache = cached ? find(await cached.catch(() => undefined), kind) : undefined;
    if (fromCache) return fromCache;
    const fresh = this.fetch(apiVersion);
    this.cache.set(apiVersion, fresh);
    let list: ApiResourceList;
    try {
      list = await fresh;
    } catch (err) {
      this.cache.delete(apiVersion);
      if (err instanceof KubeError && err.code === 'NotFound') {
        throw new KubeError('NotFound', `the server does not serve ${apiVersion}; is its CRD installed?`, { status: 404, cause: err });
      }
      throw err;
    }
    const info = find(list, kind);
    if (!info) throw new KubeError('NotFound', `${apiVersion} has no kind ${kind}; is its CRD installed?`, { status: 404 });
    return info;
  }

  private fetch(apiVersion: string): Promise<ApiResourceList> {
    return this.transport.request<ApiResourceList>({ method: 'GET', path: groupVersionPath(apiVersion) });
  }
}

function find(list: ApiResourceList | undefined, kind: string): ResourceInfo | undefined {
  // Subresources (`deployments/status`) share the kind; the top-level entry has no slash.
  const r = list?.resources.find((x) => x.kind === kind && !x.name.includes('/'));
  return r && { plural: r.name, namespaced: r.namespaced };
}
