import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Informer } from './informer.js';
import type { InformerEvent } from './informer.js';
import type { KubeObject } from './types.js';
import type { ListPage } from './list.js';
import type { Query, WatchSource } from './watch-source.js';

// The informer's state machine driven by a script. What the real apiserver
// does is covered by informer.int.test.ts; this covers failures a test cannot
// easily make a real server produce (refused connections, repeated 410s).

const cm = (name: string, rv: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'n', resourceVersion: rv } });

interface OpenWatch {
  query: Query;
  onEvent: (type: string, obj: unknown) => void;
  onDone: (err: unknown) => void;
  aborted: boolean;
}

function scriptedSource(pages: ListPage[]) {
  const watches: OpenWatch[] = [];
  const lists: Query[] = [];
  const source: WatchSource = {
    list: async (_path, query) => {
      lists.push(query);
      const page = pages.shift();
      if (!page) throw new Error('no more list pages scripted');
      return page;
    },
    watch: async (_path, query, onEvent, onDone) => {
      const w: OpenWatch = { query, onEvent, onDone, aborted: false };
      watches.push(w);
      return {
        abort: () => {
          w.aborted = true;
          onDone(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        },
      };
    },
  };
  return { source, watches, lists };
}

/** The i-th watch request, failing the test if it was never made. */
function at(watches: OpenWatch[], i: number): OpenWatch {
  const w = watches[i];
  if (!w) throw new Error(`watch #${i} was never opened`);
  return w;
}

const list = (rv: string, ...items: KubeObject[]): ListPage => ({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: { resourceVersion: rv }, items });

describe('Informer (scripted source)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reconnects after a network error with backoff, from the last resourceVersion, without re-listing', async () => {
    const { source, watches, lists } = scriptedSource([list('10', cm('a', '10'))]);
    const events: InformerEvent<KubeObject>[] = [];
    const errors: string[] = [];
    const inf = new Informer(source, { path: '/p', onEvent: (e) => events.push(e), onError: (e) => errors.push(e.code), backoff: { initialMs: 1_000, jitter: 0 } });
    await vi.waitFor(() => expect(watches).toHaveLength(1));
    expect(at(watches, 0).query).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true });

    // A bookmark as the apiserver sends it: only the kind and a resourceVersion.
    at(watches, 0).onEvent('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '15' } });
    at(watches, 0).onDone(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(errors).toEqual(['Unavailable']);

    await vi.advanceTimersByTimeAsync(999);
    expect(watches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(watches).toHaveLength(2);
    expect(at(watches, 1).query.resourceVersion).toBe('15');
    expect(lists).toHaveLength(1);
    expect(events.map((e) => e.type)).toEqual(['ADDED']);
    expect(inf.list()).toHaveLength(1);
    inf.stop();
  });

  it('grows the delay while failures repeat and resets it after an event', async () => {
    const { source, watches } = scriptedSource([list('10')]);
    const inf = new Informer(source, { path: '/p', onEvent: () => undefined, backoff: { initialMs: 100, jitter: 0 } });
    await vi.waitFor(() => expect(watches).toHaveLength(1));
    const fail = (i: number) => at(watches, i).onDone(new Error('socket hang up'));
    fail(0);
    await vi.advanceTimersByTimeAsync(100);
    fail(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(watches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(watches).toHaveLength(3);
    at(watches, 2).onEvent('ADDED', cm('a', '11'));
    fail(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(watches).toHaveLength(4);
    inf.stop();
  });

  it('re-lists at once on the first 410, but backs off when the server keeps answering 410', async () => {
    const { source, watches, lists } = scriptedSource([list('10'), list('20'), list('30')]);
    const inf = new Informer(source, { path: '/p', onEvent: () => undefined, backoff: { initialMs: 5_000, jitter: 0 } });
    await vi.waitFor(() => expect(watches).toHaveLength(1));
    at(watches, 0).onEvent('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
    await vi.waitFor(() => expect(watches).toHaveLength(2));
    expect(lists).toHaveLength(2);
    at(watches, 1).onEvent('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(lists).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(lists).toHaveLength(3);
    inf.stop();
  });

  it('stop() cancels a pending reconnect and rejects waitForSync when not yet synced', async () => {
    const failing: WatchSource = {
      list: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
      watch: vi.fn(),
    };
    const inf = new Informer(failing, { path: '/p', onEvent: () => undefined });
    const synced = inf.waitForSync();
    await vi.advanceTimersByTimeAsync(0);
    inf.stop();
    await expect(synced).rejects.toThrow(/stopped before it synced/);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(failing.watch).not.toHaveBeenCalled();
    expect(inf.hasSynced()).toBe(false);
  });

  it('keeps going when the handler throws, reporting the throw', async () => {
    const { source, watches } = scriptedSource([list('10')]);
    const errors: unknown[] = [];
    const inf = new Informer(source, {
      path: '/p',
      onEvent: () => {
        throw new Error('handler bug');
      },
      onError: (e) => errors.push(e.cause),
    });
    await vi.waitFor(() => expect(watches).toHaveLength(1));
    at(watches, 0).onEvent('ADDED', cm('a', '11'));
    at(watches, 0).onEvent('ADDED', cm('b', '12'));
    expect(inf.list().map((o) => o.metadata.name)).toEqual(['a', 'b']);
    expect(errors).toHaveLength(2);
    inf.stop();
  });
});
