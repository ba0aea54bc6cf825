import { describe, expect, it } from 'vitest';
import { parseQuantity, resourceAmount, toMilli } from './quantity.js';

describe('parseQuantity', () => {
  it.each([
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['500m', 0.5],
    ['2', 2],
    ['1.5', 1.5],
    ['2e3', 2000],
    ['1k', 1000],
    ['.5', 0.5],
  ])('%s', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 9);
  });

  it('rejects garbage', () => {
    expect(() => parseQuantity('lots')).toThrow(/invalid quantity/);
  });
});

describe('resource amounts', () => {
  it('compares cpu in millicores, rounding up', () => {
    expect(toMilli('100m')).toBe(100);
    expect(toMilli('0.1')).toBe(100);
    expect(toMilli('1')).toBe(1000);
    expect(toMilli('1.0001')).toBe(1001);
    expect(resourceAmount('cpu', '250m')).toBe(250);
  });
  it('compares memory in bytes', () => {
    expect(resourceAmount('memory', '1Ki')).toBe(1024);
  });
});
