import { describe, expect, it } from 'vitest';
import { IpAllocator } from './ip-allocator.js';

describe('IpAllocator', () => {
  it('gives each pod its own loopback address and the same one on repeat', () => {
    const ips = new IpAllocator('127.1');
    const a = ips.allocate('a');
    const b = ips.allocate('b');
    expect(a).toBe('127.1.0.2');
    expect(b).toBe('127.1.0.3');
    expect(ips.allocate('a')).toBe(a);
  });

  it('does not hand a released address straight back', () => {
    const ips = new IpAllocator('127.1');
    const a = ips.allocate('a');
    ips.release('a');
    expect(ips.allocate('b')).not.toBe(a);
  });

  it('skips .0 and .255 host octets', () => {
    const ips = new IpAllocator('127.1');
    const got = Array.from({ length: 300 }, (_, i) => ips.allocate(String(i)));
    expect(got).not.toContain('127.1.0.255');
    expect(got).not.toContain('127.1.1.0');
    expect(new Set(got).size).toBe(300);
  });

  it('reserves addresses found in pod statuses, refusing foreign ones', () => {
    const ips = new IpAllocator('127.1');
    expect(ips.reserve('127.1.0.2', 'old')).toBe(true);
    expect(ips.allocate('new')).toBe('127.1.0.3');
    expect(ips.reserve('10.0.0.1', 'x')).toBe(false);
    expect(ips.reserve('127.1.0.2', 'other')).toBe(false);
  });

  it('validates the base', () => {
    expect(() => new IpAllocator('127')).toThrow(/two octets/);
  });
});
