import type { KubeClient } from '../client.js';
import { KubeError } from '../errors.js';

/** Whether this replica may write now (see `LeaderElector.mayWrite`). */
export type Fence = () => boolean;

/** KubeClient methods that only read; every other method is treated as a write and fenced. */
const READS: ReadonlySet<string> = new Set(['get', 'list', 'informer', 'readPodLog', 'streamPodLog', 'podLog', 'constructor']);

/**
 * The client the runtime hands reconcilers: reads pass through; every write
 * (apply, create, createIfAbsent, mergePatch, strategicMergePatch,
 * updateStatus, delete, and any write method added later) first checks
 * `fence` and, when this replica may not write, throws a `KubeError` with
 * code `Fenced` without sending anything. The runtime treats `Fenced` as
 * "stop handling this key", never as a failure to retry.
 */
export function fencedClient(client: KubeClient, fence: Fence): KubeClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof property !== 'string' || READS.has(property) || property.startsWith('_')) return method.bind(target);
      return (...args: unknown[]) => {
        if (!fence()) {
          const error = new KubeError('Fenced', `${property} refused: this replica does not hold the leader lease`);
          // Async methods reject rather than throw synchronously, as they would on a failed request.
          return Promise.reject(error);
        }
        return method.apply(target, args);
      };
    },
  });
}

/** True for the error a fenced write throws. */
export function isFenced(error: unknown): boolean {
  return error instanceof KubeError && error.code === 'Fenced';
}
