import type { ListPage } from './list.js';
import { KubeError } from './errors.js';
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

/**
 * The real source: lists and watches through the transport. Each watch line
 * is one JSON event (`{"type":…,"object":…}`); a line that is not one ends
 * the watch with an error, so the informer resumes from its last version.
 */
export function apiWatchSource(transport: KubeTransport): WatchSource {
  return {
    list: (path, query) => transport.request<ListPage>({ method: 'GET', path, query }),
    watch: (path, query, onEvent, onDone) => {
      let handle: WatchHandle | undefined;
      let failed = false;
      const onLine = (line: string): void => {
        if (failed) return;
        let event: { type?: unknown; object?: unknown };
        try {
          event = JSON.parse(line) as { type?: unknown; object?: unknown };
        } catch (err) {
          failed = true;
          onDone(new KubeError('Unknown', `watch ${path}: a line that is not JSON: ${line.slice(0, 200)}`, { cause: err }));
          handle?.abort();
          return;
        }
        onEvent(String(event.type), event.object);
      };
      const onEnd = (err: Error | null): void => {
        if (!failed) onDone(err);
      };
      return transport.stream({ path, query: { ...query, watch: true } }, onLine, onEnd).then((opened) => (handle = opened));
    },
  };
}
