import { describe, expect, it } from 'vitest';
import { ReplayGuard } from './replay.js';

describe('ReplayGuard', () => {
  it('refuses an id seen before until it expires', () => {
    let now = 1_000;
    const guard = new ReplayGuard({ now: () => now });
    expect(guard.claim('msg-1', 5_000)).toBe(true);
    expect(guard.claim('msg-1', 5_000)).toBe(false);
    expect(guard.claim('msg-2', 5_000)).toBe(true);
    now = 5_001;
    expect(guard.claim('msg-1', 9_000)).toBe(true);
  });

  it('lets a released id through again, for deliveries that failed before being acknowledged', () => {
    const guard = new ReplayGuard({ now: () => 0 });
    guard.claim('msg-1', 10);
    guard.release('msg-1');
    expect(guard.claim('msg-1', 10)).toBe(true);
  });

  it('stays bounded, forgetting the oldest ids first', () => {
    const guard = new ReplayGuard({ maxEntries: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) guard.claim(id, 1_000);
    expect(guard.size).toBe(3);
    expect(guard.claim('a', 1_000)).toBe(true);
    expect(guard.claim('d', 1_000)).toBe(false);
  });

  it('drops expired ids as new ones arrive, so memory follows the window', () => {
    let now = 0;
    const guard = new ReplayGuard({ now: () => now });
    for (let i = 0; i < 1_000; i++) guard.claim(`old-${i}`, 100);
    now = 200;
    guard.claim('new', 300);
    expect(guard.size).toBe(1);
  });
});
