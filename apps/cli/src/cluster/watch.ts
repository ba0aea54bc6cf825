import { isKubeError, type InformerEvent, type KubeClient, type KubeError, type KubeObject } from '@sluice/kube';

/** Which objects of a collection to watch. */
export interface WatchTarget {
  /** Collection path, from `resourcePath`. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** How a bounded wait ended. */
export type WaitResult<R> =
  | { readonly kind: 'done'; readonly value: R }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'interrupted' }
  /** The watch cannot work at all (not allowed to list or watch, the kind is not served). */
  | { readonly kind: 'error'; readonly error: KubeError };

/** Errors an informer would retry forever that no retry can fix. */
function hopeless(error: KubeError): boolean {
  return isKubeError(error, 'Forbidden', 'NotFound', 'Invalid');
}

/**
 * Watches `target` (the kube lib's informer: list, then watch, no polling)
 * and resolves with the first non-undefined `decide(objects)`, evaluated on
 * the initial listing and after every change; or `timeout` after
 * `timeoutMs` (never, when undefined), or `interrupted` when `signal` aborts,
 * or `error` when the watch cannot even start.
 */
export function waitFor<T extends KubeObject, R>(
  client: KubeClient,
  target: WatchTarget,
  decide: (objects: readonly T[]) => R | undefined,
  options: { readonly timeoutMs?: number; readonly signal: AbortSignal },
): Promise<WaitResult<R>> {
  return new Promise((resolve) => {
    let settled = false;
    let synced = false;
    const finish = (result: WaitResult<R>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      informer.stop();
      resolve(result);
    };
    const check = () => {
      if (!synced || settled) return;
      const value = decide(informer.list());
      if (value !== undefined) finish({ kind: 'done', value });
    };
    const onAbort = () => finish({ kind: 'interrupted' });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => finish({ kind: 'timeout' }), options.timeoutMs);
    const informer = client.informer<T>({
      ...target,
      onEvent: check,
      onError: (error) => {
        if (!synced && hopeless(error)) finish({ kind: 'error', error });
      },
    });
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) onAbort();
    informer.waitForSync().then(
      () => {
        synced = true;
        check();
      },
      () => undefined,
    );
  });
}

/**
 * Watches `target` until `signal` aborts: `onSynced` gets the first complete
 * listing, then `onEvent` every change. Resolves when stopped; rejects when
 * the watch cannot even start.
 */
export function watchUntilInterrupted<T extends KubeObject>(
  client: KubeClient,
  target: WatchTarget,
  handlers: { readonly onSynced: (objects: readonly T[]) => void; readonly onEvent: (event: InformerEvent<T>) => void },
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let synced = false;
    const informer = client.informer<T>({
      ...target,
      onEvent: (event) => {
        if (synced) handlers.onEvent(event);
      },
      onError: (error) => {
        if (synced || !hopeless(error)) return;
        stop();
        reject(error);
      },
    });
    function stop() {
      signal.removeEventListener('abort', done);
      informer.stop();
    }
    function done() {
      stop();
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
    informer.waitForSync().then(
      () => {
        synced = true;
        handlers.onSynced(informer.list());
      },
      () => undefined,
    );
  });
}
