import { backoffDelay, sleep } from './backoff.js';
import { KubeError } from './errors.js';
import type { KubeObject } from './types.js';

/** Options for {@link updateStatusWithRetry}. */
export interface UpdateStatusOptions<T extends KubeObject> {
  /** Reads plus writes before giving up on conflicts. Default 5. */
  readonly maxAttempts?: number;
  /**
   * Start from this copy (e.g. from an informer cache) instead of reading.
   * A stale copy costs one conflict and a re-read, never a lost update.
   */
  readonly current?: T;
}

/** What {@link updateStatusWithRetry} did. */
export interface UpdateStatusResult<T extends KubeObject> {
  /** False when `mutate` returned `undefined`: nothing to write. */
  readonly changed: boolean;
  /** The object as the server now has it (or as read, when unchanged). */
  readonly object: T;
}

/** The two calls a status update needs; injected so the retry loop stays independent of HTTP. */
export interface StatusIO<T extends KubeObject> {
  read(): Promise<T | undefined>;
  /** Writes `obj` (carrying the read `resourceVersion`) to the status subresource. */
  write(obj: T): Promise<T>;
  describe(): string;
}

/**
 * Optimistic concurrency for status: read, apply the pure `mutate`, write with
 * the read `resourceVersion`; on 409 Conflict (someone else wrote first) read
 * again and re-apply `mutate` to the fresh copy. `mutate` gets a private copy
 * and may be called several times, so it must be a pure function of its input.
 */
export async function updateStatusWithRetry<T extends KubeObject, S>(
  io: StatusIO<T>,
  mutate: (current: T) => S | undefined,
  options: UpdateStatusOptions<T> = {},
): Promise<UpdateStatusResult<T>> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  let current = options.current;
  for (let attempt = 1; ; attempt++) {
    if (current === undefined) {
      current = await io.read();
      if (current === undefined) throw new KubeError('NotFound', `${io.describe()} not found`, { status: 404 });
    }
    const copy = structuredClone(current);
    const status = mutate(copy);
    if (status === undefined) return { changed: false, object: current };
    try {
      return { changed: true, object: await io.write({ ...copy, status }) };
    } catch (err) {
      if (!(err instanceof KubeError) || err.code !== 'Conflict') throw err;
      if (attempt >= maxAttempts) {
        throw new KubeError('Conflict', `${io.describe()}: status still conflicting after ${attempt} attempts: ${err.message}`, {
          status: err.status,
          reason: err.reason,
          details: err.details,
          cause: err,
        });
      }
      // Writers that collided would collide again in lockstep; a short jittered pause spreads them out.
      await sleep(backoffDelay(attempt - 1, { initialMs: 20, maxMs: 1_000 }));
      current = undefined;
    }
  }
}
