/**
 * List-then-watch with automatic re-watch and re-list (after `410 Gone` or
 * a broken stream), delivering upserts and deletions keyed by UID.
 */
import type { Logger } from 'pino';
import { isApiStatus, type KubeClient } from './kube-client.js';

interface Obj {
  metadata?: { uid?: string; resourceVersion?: string; name?: string; namespace?: string };
}

export interface Informer<T> {
  /** Current objects by UID. */
  readonly cache: ReadonlyMap<string, T>;
  /** Resolves after the first list has been delivered. */
  readonly synced: Promise<void>;
  stop(): void;
}

export interface InformerOptions<T> {
  readonly client: KubeClient;
  /** Collection path, e.g. `/api/v1/pods`. */
  readonly path: string;
  readonly fieldSelector?: string;
  readonly logger: Logger;
  onUpsert(obj: T): void;
  onDelete(obj: T): void;
}

export function startInformer<T extends Obj>(options: InformerOptions<T>): Informer<T> {
  const { client, path, logger } = options;
  const cache = new Map<string, T>();
  let stopped = false;
  let abort: AbortController | undefined;
  let retry: NodeJS.Timeout | undefined;
  let resourceVersion = '';
  let markSynced!: () => void;
  const synced = new Promise<void>((r) => (markSynced = r));
  const query: Record<string, string> = options.fieldSelector ? { fieldSelector: options.fieldSelector } : {};

  const upsert = (obj: T) => {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    cache.set(uid, obj);
    options.onUpsert(obj);
  };
  const remove = (obj: T) => {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    cache.delete(uid);
    options.onDelete(obj);
  };
  const later = (fn: () => void, ms: number) => {
    if (stopped) return;
    clearTimeout(retry);
    retry = setTimeout(fn, ms);
  };

  const list = async () => {
    try {
      const res = await client.request<{ metadata: { resourceVersion: string }; items: T[] }>('GET', path, { query });
      if (stopped) return;
      const seen = new Set<string>();
      for (const item of res.items) {
        seen.add(item.metadata?.uid ?? '');
        upsert(item);
      }
      for (const [uid, obj] of [...cache]) if (!seen.has(uid)) remove(obj);
      resourceVersion = res.metadata.resourceVersion;
      markSynced();
      void watch();
    } catch (err) {
      logger.warn({ err, path }, 'list failed; retrying');
      later(() => void list(), 1000);
    }
  };

  const watch = async () => {
    if (stopped) return;
    let gone = false;
    const params = { ...query, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300 };
    try {
      abort = await client.watch(
        path,
        params,
        (type, raw) => {
          const obj = raw as T & { code?: number };
          if (type === 'ERROR') {
            gone = obj.code === 410;
            abort?.abort();
            return;
          }
          if (obj.metadata?.resourceVersion) resourceVersion = obj.metadata.resourceVersion;
          if (type === 'ADDED' || type === 'MODIFIED') upsert(obj);
          else if (type === 'DELETED') remove(obj);
        },
        (err) => {
          if (stopped) return;
          if (gone || isApiStatus(err, 410) || (err as { statusCode?: number } | null)?.statusCode === 410) {
            later(() => void list(), 0);
          } else {
            if (err && (err as Error).name !== 'AbortError') logger.debug({ err, path }, 'watch ended; resuming');
            later(() => void watch(), err ? 500 : 0);
          }
        },
      );
    } catch (err) {
      logger.warn({ err, path }, 'watch failed; re-listing');
      later(() => void list(), 1000);
    }
  };

  void list();
  return {
    cache,
    synced,
    stop: () => {
      stopped = true;
      clearTimeout(retry);
      abort?.abort();
    },
  };
}
