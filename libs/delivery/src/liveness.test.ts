import { describe, expect, it } from 'vitest';
import type { DeliveryStatus } from './delivery.js';
import { DeliveryStatusSchema } from './delivery.js';
import { liveEnvironments, liveNow, markLive, markReplaced, replacementsOf } from './liveness.js';

const live: DeliveryStatus = { phase: 'Live', stages: [], posted: {} };
const AT = '2026-01-01T12:00:00.000Z';

describe('markLive / markReplaced', () => {
  it('a Delivery goes live in staging, then production, and keeps its phase Live', () => {
    const staging = markLive(live, 'staging');
    const both = staging && markLive(staging, 'production');
    expect(both).toMatchObject({ phase: 'Live', liveIn: ['staging', 'production'] });
    expect(both && markLive(both, 'production')).toBeUndefined();
  });

  it('a replaced Delivery leaves liveIn and says by which Delivery and when, once per environment', () => {
    const both = { ...live, liveIn: ['staging', 'production'] } satisfies DeliveryStatus;
    const replaced = markReplaced(both, { environment: 'production', by: 'main-b', at: AT });
    expect(replaced).toMatchObject({ phase: 'Live', liveIn: ['staging'], replaced: [{ environment: 'production', by: 'main-b', at: AT }] });
    expect(replaced && markReplaced(replaced, { environment: 'production', by: 'main-c', at: AT })).toBeUndefined();
    const gone = replaced && markReplaced(replaced, { environment: 'staging', by: 'main-b', at: AT });
    expect(gone?.liveIn).toBeUndefined();
    expect(gone?.replaced?.map((r) => r.environment)).toEqual(['staging', 'production']);
    expect(DeliveryStatusSchema.safeParse(gone).success).toBe(true);
  });

  it('a rollback makes a replaced Delivery live again: its replacement there is dropped', () => {
    const replaced = { ...live, replaced: [{ environment: 'production' as const, by: 'main-b', at: AT }] };
    expect(markLive(replaced, 'production')).toEqual({ ...live, liveIn: ['production'] });
  });
});

describe('readers', () => {
  const d = (name: string, application: string, status: Partial<DeliveryStatus>) => ({ metadata: { name }, spec: { application }, status: { ...live, ...status } });

  it('liveNow says which Delivery is live per application and environment', () => {
    const all = [
      d('shop-a', 'shop', { replaced: [{ environment: 'production', by: 'shop-b', at: AT }], liveIn: ['staging'] }),
      d('shop-b', 'shop', { liveIn: ['production'] }),
      d('blog-a', 'blog', { liveIn: ['production'] }),
      d('old', 'blog', {}),
    ];
    expect(liveNow(all)).toEqual([
      { application: 'blog', environment: 'production', delivery: 'blog-a' },
      { application: 'shop', environment: 'staging', delivery: 'shop-a' },
      { application: 'shop', environment: 'production', delivery: 'shop-b' },
    ]);
    expect(liveEnvironments(all[0] ?? d('none', 'x', {}))).toEqual(['staging']);
    expect(replacementsOf(all[0] ?? d('none', 'x', {}))).toEqual([{ environment: 'production', by: 'shop-b', at: AT }]);
  });
});
