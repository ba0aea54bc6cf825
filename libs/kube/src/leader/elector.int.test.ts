import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../client.js';
import { isKubeError } from '../errors.js';
import { adminClient, createNamespace } from '../kube.testkit.js';
import { leaseExpiresAtMs } from './decide.js';
import { LeaderElector } from './elector.js';
import { fencedClient } from './fenced-client.js';
import { readLease } from './lease.js';

const client = adminClient('sluice-elector-test');
const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
let ns: string;
const electors: LeaderElector[] = [];

beforeAll(async () => {
  ns = await createNamespace(client, 'kube-elector');
});
afterAll(async () => {
  await Promise.all(electors.map((e) => e.release()));
  if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
});

/** A client that stops answering once `crashed` is set: the replica keeps running but can no longer reach the apiserver. */
function partitionable(inner: KubeClient): { client: KubeClient; crash: () => void } {
  let crashed = false;
  const proxy = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (crashed ? new Promise(() => undefined) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { client: proxy, crash: () => (crashed = true) };
}

function elector(name: string, identity: string, c: KubeClient = client, t = timing): LeaderElector {
  const e = new LeaderElector({ client: c, lease: { namespace: ns, name }, identity, timing: t });
  electors.push(e);
  return e;
}

/** Resolves with the time the Lease first names `identity`. */
async function holderChangesTo(name: string, identity: string, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const lease = await readLease(client, { namespace: ns, name });
    if (lease?.spec?.holderIdentity === identity) return Date.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the Lease never named ${identity}`);
}

describe('LeaderElector on a real Lease', () => {
  it('lets one of two replicas lead; when the leader stops renewing, the other takes over after the lease expires and not before, and the old leader is fenced', async () => {
    const partition = partitionable(client);
    const a = elector('crash', 'replica-a', partition.client);
    const b = elector('crash', 'replica-b');
    const lostReasons: string[] = [];
    a.onLost((reason) => lostReasons.push(reason));
    const fencedA = fencedClient(client, () => a.mayWrite());

    a.start();
    await a.whenLeading();
    b.start();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(b.currentRole()).toBe('standby');
    expect(b.observedHolder()).toBe('replica-a');
    await fencedA.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'written-while-leading', namespace: ns } });

    // A renewal lands, then the leader's connection dies (a crash, as far as the Lease can tell).
    const renewed = await readLease(client, { namespace: ns, name: 'crash' });
    partition.crash();
    const expiresAt = leaseExpiresAtMs((await readLease(client, { namespace: ns, name: 'crash' }))?.spec);
    expect(expiresAt).toBeGreaterThanOrEqual(leaseExpiresAtMs(renewed?.spec));

    const tookOver = await holderChangesTo('crash', 'replica-b', timing.leaseDurationMs + 3_000);
    expect(tookOver).toBeGreaterThan(expiresAt);
    expect(tookOver - expiresAt).toBeLessThan(timing.retryPeriodMs * 1.2 + 1_000);
    expect(b.currentRole()).toBe('leader');

    // The old leader stepped down at its renew deadline, before the standby could take the Lease.
    expect(a.currentRole()).toBe('lost');
    expect(lostReasons).toEqual(['renew-deadline']);
    const refused = await fencedA.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'written-after-loss', namespace: ns } }).catch((err: unknown) => err);
    expect(isKubeError(refused, 'Fenced')).toBe(true);
    expect(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'written-after-loss' })).toBeUndefined();
  });

  it('a standby tries again just after the Lease expires, not a whole retry period later', async () => {
    const slowRetries = { leaseDurationMs: 3_000, renewDeadlineMs: 2_500, retryPeriodMs: 2_000 };
    const partition = partitionable(client);
    const a = elector('expiry', 'replica-a', partition.client, slowRetries);
    const b = elector('expiry', 'replica-b', client, slowRetries);
    a.start();
    await a.whenLeading();
    b.start();
    await new Promise((r) => setTimeout(r, 500));
    partition.crash();
    const expiresAt = leaseExpiresAtMs((await readLease(client, { namespace: ns, name: 'expiry' }))?.spec);
    const tookOver = await holderChangesTo('expiry', 'replica-b', slowRetries.leaseDurationMs + 5_000);
    expect(tookOver).toBeGreaterThan(expiresAt);
    // A request's time after the expiry; a retry period later would be 2 s or more.
    expect(tookOver - expiresAt).toBeLessThan(1_000);
  });

  it('hands the Lease over at once when the leader releases it on shutdown', async () => {
    const a = elector('release', 'replica-a');
    const b = elector('release', 'replica-b');
    a.start();
    await a.whenLeading();
    b.start();
    await new Promise((r) => setTimeout(r, 1_000));
    const releasedAt = Date.now();
    await a.release();
    expect(a.mayWrite()).toBe(false);
    const tookOver = await holderChangesTo('release', 'replica-b', 5_000);
    // Well before the 3 s lease duration would have run out.
    expect(tookOver - releasedAt).toBeLessThan(timing.leaseDurationMs);
    expect((await readLease(client, { namespace: ns, name: 'release' }))?.spec).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
  });
});
