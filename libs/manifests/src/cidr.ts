import { ManifestError } from './errors.js';

/** A parsed CIDR block; `network` is the address as an integer. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

function parseV4(address: string): bigint | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseV6(address: string): bigint | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let value = 0n;
  for (const group of [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

/**
 * Parses `a.b.c.d/n` or an IPv6 CIDR. Host bits must be zero, because a
 * policy that says `10.0.0.7/8` usually means someone mistyped the prefix.
 */
export function parseCidr(builder: string, field: string, cidr: string): Cidr {
  const fail = (why: string): ManifestError =>
    new ManifestError('InvalidCidr', builder, `${field} "${cidr}" ${why}; write a CIDR such as "203.0.113.0/24" or "2001:db8::/32"`);
  const [address = '', prefixText, extra] = cidr.split('/');
  if (prefixText === undefined || extra !== undefined || !/^[0-9]{1,3}$/.test(prefixText)) throw fail('has no valid "/prefix"');
  const family = address.includes(':') ? 6 : 4;
  const network = family === 4 ? parseV4(address) : parseV6(address);
  const bits = family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (network === undefined) throw fail('is not an IP address');
  if (prefix > bits) throw fail(`has a prefix longer than ${bits}`);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((network & hostMask) !== 0n) throw fail('has host bits set');
  return { family, network, prefix };
}

/** Whether two CIDR blocks share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const bits = a.family === 4 ? 32 : 128;
  const shorter = Math.min(a.prefix, b.prefix);
  const shift = BigInt(bits - shorter);
  return a.network >> shift === b.network >> shift;
}
