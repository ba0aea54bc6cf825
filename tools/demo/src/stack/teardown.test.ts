import { describe, expect, it } from 'vitest';
import { Teardown } from './teardown.js';

describe('teardown', () => {
  it('stops things newest first, keeps going past a failure, and reports it', async () => {
    const order: string[] = [];
    const t = new Teardown();
    t.add('cluster', () => void order.push('cluster'));
    t.add('services', () => {
      throw new Error('would not stop');
    });
    t.add('receiver', async () => void order.push('receiver'));
    expect(await t.run()).toEqual(['services: would not stop']);
    expect(order).toEqual(['receiver', 'cluster']);
  });

  it('runs each step once when asked twice (Ctrl-C during the normal stop)', async () => {
    let stops = 0;
    const t = new Teardown();
    t.add('cluster', async () => {
      stops++;
      await new Promise((r) => setTimeout(r, 10));
    });
    await Promise.all([t.run(), t.run()]);
    await t.run();
    expect(stops).toBe(1);
  });
});
