import { describe, expect, it } from 'vitest';
import { Lanes } from './lanes.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('Lanes', () => {
  it('runs one key’s work one at a time in arrival order, other keys alongside, and keeps going after a failure', async () => {
    const lanes = new Lanes();
    const log: string[] = [];
    const step = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([lanes.run('a', step('a1', true)), lanes.run('a', step('a2')), lanes.run('b', step('b1'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    // a2 starts only after a1 ended; b1 ran beside a1.
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
    await tick();
    expect(lanes.size).toBe(0);
  });
});
