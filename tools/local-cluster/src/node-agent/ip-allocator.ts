/**
 * Hands out one address per pod from a /16 (default `127.1.0.0/16`). Every
 * 127.0.0.0/8 address is local on Linux without configuration, so a pod's
 * processes can bind `$POD_IP:<port>` and two replicas listening on the same
 * containerPort coexist. Allocation is round-robin so a released address is
 * not handed out again right away (its sockets may linger in TIME_WAIT).
 */
export class IpAllocator {
  private readonly used = new Map<string, string>();
  private next = 0;
  private readonly prefix: string;

  /** `base` is the first two octets, e.g. `127.1`. */
  constructor(base: string) {
    if (!/^\d{1,3}\.\d{1,3}$/.test(base) || base.split('.').some((o) => Number(o) > 255)) {
      throw new Error(`podCidrBase must be two octets like "127.1", got "${base}"`);
    }
    this.prefix = base;
  }

  /** The /16 this allocator serves, e.g. `127.1.0.0/16`. */
  get cidr(): string {
    return `${this.prefix}.0.0/16`;
  }

  /** True when `ip` lies in this allocator's /16. */
  contains(ip: string | undefined): boolean {
    return !!ip && ip.startsWith(`${this.prefix}.`);
  }

  /** The address already held by `owner`, or a fresh one. Throws when the range is exhausted. */
  allocate(owner: string): string {
    for (const [ip, o] of this.used) if (o === owner) return ip;
    for (let i = 0; i < 65536; i++) {
      const n = (this.next + i) % 65536;
      const hi = n >> 8;
      const lo = n & 255;
      // Skip .0 and .255 host octets and x.x.0.1, which looks like a gateway.
      if (lo === 0 || lo === 255 || (hi === 0 && lo === 1)) continue;
      const ip = `${this.prefix}.${hi}.${lo}`;
      if (this.used.has(ip)) continue;
      this.used.set(ip, owner);
      this.next = n + 1;
      return ip;
    }
    throw new Error(`no free pod address left in ${this.cidr}`);
  }

  /** Marks `ip` as held by `owner` (an address found in a pod's status after a restart). */
  reserve(ip: string, owner: string): boolean {
    if (!this.contains(ip)) return false;
    const holder = this.used.get(ip);
    if (holder && holder !== owner) return false;
    this.used.set(ip, owner);
    return true;
  }

  /** Frees whatever `owner` holds. */
  release(owner: string): void {
    for (const [ip, o] of this.used) if (o === owner) this.used.delete(ip);
  }
}
