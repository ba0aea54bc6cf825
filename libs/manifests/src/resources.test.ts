import { describe, expect, it } from 'vitest';
import { parseQuantity } from './resources.js';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    ['1Gi', 2 ** 30],
    ['512Mi', 512 * 2 ** 20],
    ['1G', 1e9],
    ['1.5', 1.5],
    ['1e3', 1000],
  ])('reads %s', (text, value) => expect(parseQuantity(text)).toBe(value));

  it.each(['', 'lots', '-1', '1GB', '1 Gi'])('rejects %j', (text) => expect(parseQuantity(text)).toBeUndefined());
});
