import { describe, expect, it, vi } from 'vitest';
import { KubeError } from './errors.js';
import { updateStatusWithRetry } from './status.js';
import type { StatusIO } from './status.js';
import type { KubeObject } from './types.js';

interface Counter extends KubeObject {
  status?: { stages: string[] };
}

/** An in-memory object with resourceVersion checks, standing in for one status subresource. */
function store(initial: Counter) {
  let stored = structuredClone(initial);
  const io: StatusIO<Counter> & { bump(stage: string): void } = {
    read: vi.fn(async () => structuredClone(stored)),
    write: vi.fn(async (obj: Counter) => {
      if (obj.metadata.resourceVersion !== stored.metadata.resourceVersion) {
        throw new KubeError('Conflict', 'the object has been modified', { status: 409, reason: 'Conflict' });
      }
      stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(Number(stored.metadata.resourceVersion) + 1) } };
      return structuredClone(stored);
    }),
    describe: () => 'Counter c',
    bump(stage) {
      stored = {
        ...stored,
        status: { stages: [...(stored.status?.stages ?? []), stage] },
        metadata: { ...stored.metadata, resourceVersion: String(Number(stored.metadata.resourceVersion) + 1) },
      };
    },
  };
  return io;
}

const base: Counter = { apiVersion: 'x/v1', kind: 'Counter', metadata: { name: 'c', resourceVersion: '1' }, status: { stages: [] } };
const addStage = (s: string) => (c: Counter) => ({ stages: [...(c.status?.stages ?? []), s] });

describe('updateStatusWithRetry', () => {
  it('re-reads and re-applies the mutation after a conflict, losing no concurrent write', async () => {
    const io = store(base);
    const stale = await io.read();
    io.bump('test');
    const result = await updateStatusWithRetry(io, addStage('build'), { current: stale });
    expect(result.changed).toBe(true);
    expect(result.object.status?.stages).toEqual(['test', 'build']);
    expect(io.write).toHaveBeenCalledTimes(2);
  });

  it('writes nothing when the mutation returns undefined', async () => {
    const io = store(base);
    const result = await updateStatusWithRetry(io, () => undefined);
    expect(result).toMatchObject({ changed: false, object: { metadata: { resourceVersion: '1' } } });
    expect(io.write).not.toHaveBeenCalled();
  });

  it('does not let the mutation change the caller’s copy', async () => {
    const io = store(base);
    const current = await io.read();
    await updateStatusWithRetry(
      io,
      (c) => {
        c.status?.stages.push('mutated-in-place');
        return c.status;
      },
      { current },
    );
    expect(current?.status?.stages).toEqual([]);
  });

  it('gives up with Conflict after maxAttempts', async () => {
    const io = store(base);
    io.write = vi.fn(async () => {
      throw new KubeError('Conflict', 'modified', { status: 409, reason: 'Conflict' });
    });
    await expect(updateStatusWithRetry(io, addStage('x'), { maxAttempts: 3 })).rejects.toMatchObject({
      code: 'Conflict',
      message: expect.stringContaining('after 3 attempts'),
    });
    expect(io.write).toHaveBeenCalledTimes(3);
  });

  it('fails with NotFound when the object is gone and passes other errors through', async () => {
    const gone = store(base);
    gone.read = vi.fn(async () => undefined);
    await expect(updateStatusWithRetry(gone, addStage('x'))).rejects.toMatchObject({ code: 'NotFound' });
    const forbidden = store(base);
    forbidden.write = vi.fn(async () => {
      throw new KubeError('Forbidden', 'no', { status: 403 });
    });
    await expect(updateStatusWithRetry(forbidden, addStage('x'))).rejects.toMatchObject({ code: 'Forbidden' });
    expect(forbidden.write).toHaveBeenCalledTimes(1);
  });
});
