import { Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ListPage } from './list.js';
import type { KubeTransport } from './transport.js';

/** Query parameters of list and watch requests. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

/** A running watch request. */
export interface WatchHandle {
  abort(): void;
}

/**
 * The two requests an informer makes. The informer's state machine depends
 * only on this, so it can be driven by the real apiserver or, in unit tests,
 * by a script.
 */
export interface WatchSource {
  list(path: string, query: Query): Promise<ListPage>;
  /**
   * Opens a watch. `onEvent` gets each decoded line; `onDone` is called once
   * when the stream ends: `null` for a clean close by the server, else the error.
   */
  watch(path: string, query: Query, onEvent: (type: string, object: unknown) => void, onDone: (err: unknown) => void): Promise<WatchHandle>;
}

/** The real source: lists through the transport, watches with client-node's `Watch`. */
export function clientNodeWatchSource(kc: KubeConfig, transport: KubeTransport): WatchSource {
  const watcher = new Watch(kc);
  return {
    list: (path, query) => transport.request<ListPage>({ method: 'GET', path, query }),
    watch: (path, query, onEvent, onDone) => watcher.watch(path, { ...query }, onEvent, onDone),
  };
}
