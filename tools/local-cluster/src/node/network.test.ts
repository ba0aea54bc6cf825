import { describe, expect, it } from 'vitest';
import { MAX_SLOTS, nodeNetwork } from './network.js';

describe('nodeNetwork', () => {
  it('gives every slot ranges, interface and cgroup names no other slot shares', () => {
    const all = Array.from({ length: MAX_SLOTS }, (_, slot) => nodeNetwork(slot));
    for (const key of ['hostInterface', 'hostIp', 'nodeIp', 'podCidr', 'serviceCidr', 'registry', 'cgroupRoot'] as const) {
      expect(new Set(all.map((n) => n[key])).size).toBe(MAX_SLOTS);
    }
  });

  it('keeps interface names within the kernel limit of 15 characters', () => {
    expect(nodeNetwork(MAX_SLOTS - 1).hostInterface.length).toBeLessThanOrEqual(15);
  });

  it('puts the DNS and apiserver ClusterIPs inside the Service range, and the bridge inside the pod range', () => {
    const net = nodeNetwork(7);
    const prefix = (cidr: string) => cidr.split('.').slice(0, 3).join('.');
    expect(net.dnsServiceIp.startsWith(`${prefix(net.serviceCidr)}.`)).toBe(true);
    expect(net.apiserverServiceIp.startsWith(`${prefix(net.serviceCidr)}.`)).toBe(true);
    expect(net.bridgeIp.startsWith(`${prefix(net.podCidr)}.`)).toBe(true);
  });

  it('rejects a slot outside the machine’s range', () => {
    expect(() => nodeNetwork(MAX_SLOTS)).toThrow(RangeError);
    expect(() => nodeNetwork(-1)).toThrow(RangeError);
    expect(() => nodeNetwork(1.5)).toThrow(RangeError);
  });
});
