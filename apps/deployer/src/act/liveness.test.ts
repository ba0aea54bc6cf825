import { markLive, type DeliveryStatus } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { describe, expect, it } from 'vitest';
import { NEW, delivery } from '../decide/fixtures.testkit.js';
import { writeLiveness } from './liveness.js';

/** A client whose status writes store what `store` makes of the status (the API server's pruning, or not). */
function clientStoring(store: (status: DeliveryStatus) => Partial<DeliveryStatus>): { client: KubeClient; writes: DeliveryStatus[] } {
  const writes: DeliveryStatus[] = [];
  const client = {
    updateStatus: async (_ref: unknown, mutate: (current: KubeObject) => unknown, options: { current?: KubeObject } = {}) => {
      const current = options.current as KubeObject;
      const status = mutate(structuredClone(current)) as DeliveryStatus | undefined;
      if (status === undefined) return { changed: false, object: current };
      writes.push(status);
      return { changed: true, object: { ...current, status: store(status) } };
    },
  } as unknown as KubeClient;
  return { client, writes };
}

describe('writeLiveness', () => {
  const live = (s: DeliveryStatus) => markLive(s, 'production');
  const now = () => new Date('2026-01-01T12:00:00.000Z');

  it('writes from the cached Delivery (its resourceVersion the precondition) and says so; nothing when there is nothing to change', async () => {
    const { client, writes } = clientStoring((s) => s);
    expect(await writeLiveness(client, delivery(NEW), live, now)).toBe('written');
    expect(writes[0]?.liveIn).toEqual(['production']);
    const already = delivery(NEW);
    expect(await writeLiveness(client, { ...already, status: { ...already.status, liveIn: ['production'] } }, live, now)).toBe('unchanged');
  });

  it('tells a write whose fields the API server dropped (a Delivery CRD older than the deployer), so it is not repeated on every event', async () => {
    const { client } = clientStoring(({ liveIn: _l, replaced: _r, ...rest }) => rest);
    expect(await writeLiveness(client, delivery(NEW), live, now)).toBe('pruned');
  });
});
