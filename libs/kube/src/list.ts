import { KubeError } from './errors.js';
import type { KubeObject } from './types.js';

/** One page of a list response, as the apiserver sends it. */
export interface ListPage<T = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

/**
 * Fetches every page of a listing (`continue` tokens keep all pages at one
 * snapshot) and returns the items with the resourceVersion that snapshot is at.
 */
export async function listAllPages<T extends KubeObject>(
  fetchPage: (continueToken: string | undefined) => Promise<ListPage>,
): Promise<{ items: T[]; resourceVersion: string }> {
  const items: T[] = [];
  let cont: string | undefined;
  let page: ListPage;
  do {
    page = await fetchPage(cont);
    // List items omit apiVersion/kind while watch events carry them; restore them so both look alike.
    const apiVersion = page.apiVersion;
    const kind = page.kind?.replace(/List$/, '');
    for (const item of page.items ?? []) items.push({ ...(apiVersion && { apiVersion }), ...(kind && { kind }), ...item } as T);
    cont = page.metadata?.continue || undefined;
  } while (cont);
  const resourceVersion = page.metadata?.resourceVersion;
  if (!resourceVersion) throw new KubeError('Unknown', 'list response carried no resourceVersion');
  return { items, resourceVersion };
}
