import { describe, expect, it } from 'vitest';
import { cidrsOverlap, parseCidr } from './cidr.js';

describe('CIDRs', () => {
  it('parses IPv4 and IPv6 and detects overlap', () => {
    const c = (s: string) => parseCidr('t', 'cidr', s);
    expect(cidrsOverlap(c('10.0.0.0/8'), c('10.244.0.0/16'))).toBe(true);
    expect(cidrsOverlap(c('10.244.0.0/16'), c('10.0.0.0/8'))).toBe(true);
    expect(cidrsOverlap(c('192.168.0.0/16'), c('10.0.0.0/8'))).toBe(false);
    expect(cidrsOverlap(c('2001:db8::/32'), c('2001:db8:1::/48'))).toBe(true);
    expect(cidrsOverlap(c('2001:db8::/32'), c('10.0.0.0/8'))).toBe(false);
    expect(() => c('256.0.0.0/8')).toThrow(/not an IP address/);
    expect(() => c('10.0.0.0/33')).toThrow(/prefix longer than 32/);
    expect(() => c('10.0.0.0')).toThrow(/no valid "\/prefix"/);
  });
});
