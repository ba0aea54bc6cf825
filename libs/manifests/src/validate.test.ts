import { describe, expect, it } from 'vitest';
import { withDefaults } from './validate.js';

describe('withDefaults', () => {
  it('fills absent and undefined fields only', () => {
    const props: { a?: number; b?: string; c: boolean } = { a: undefined, c: false };
    expect(withDefaults(props, { a: 1, b: 'x' })).toEqual({ a: 1, b: 'x', c: false });
    expect(withDefaults({ a: 0 } as { a?: number }, { a: 1 })).toEqual({ a: 0 });
  });
});
