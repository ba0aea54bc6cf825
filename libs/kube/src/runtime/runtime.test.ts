import { describe, expect, it } from 'vitest';
import type { KubeClient } from '../client.js';
import { KubeError } from '../errors.js';
import type { LeaderElector, LeaderRole } from '../leader/elector.js';
import { ControllerRuntime, type Controller } from './runtime.js';

const silent = { info: () => undefined, warn: () => undefined };

/** An elector the test drives by hand. */
function fakeElector() {
  let role: LeaderRole = 'standby';
  let lead!: () => void;
  const leading = new Promise<void>((resolve) => (lead = resolve));
  const lost: ((reason: string) => void)[] = [];
  let released = false;
  const elector = {
    start: () => undefined,
    whenLeading: () => leading,
    onLost: (l: (reason: string) => void) => lost.push(l),
    currentRole: () => role,
    observedHolder: () => (role === 'leader' ? 'me' : 'other'),
    mayWrite: () => role === 'leader',
    release: async () => {
      released = true;
      role = 'released';
    },
  } as unknown as LeaderElector;
  return {
    elector,
    lead: () => ((role = 'leader'), lead()),
    lose: () => ((role = 'lost'), lost.forEach((l) => l('renew-deadline'))),
    released: () => released,
  };
}

/** A client whose every write records its call; the runtime fences it. */
const client = { mergePatch: async () => ({}) } as unknown as KubeClient;

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ControllerRuntime', () => {
  it('builds nothing while standby, and is Ready (a rolling update proceeds); leads, syncs, then handles every key', async () => {
    const e = fakeElector();
    const synced = deferred();
    const handled: string[] = [];
    let built = false;
    const runtime = new ControllerRuntime({
      name: 'test',
      client,
      elector: e.elector,
      concurrency: 2,
      logger: silent,
      setup: (): Controller => {
        built = true;
        return { informers: [{ waitForSync: () => synced.promise, stop: () => undefined }], keys: () => ['a', 'b'], reconcile: async (k) => (handled.push(k), {}) };
      },
    });
    const started = runtime.start();
    await new Promise((r) => setTimeout(r, 5));
    expect(built).toBe(false);
    expect(runtime.ready()).toBe(true);
    expect(runtime.status()).toMatchObject({ role: 'standby', holder: 'other', synced: false });

    e.lead();
    await new Promise((r) => setTimeout(r, 5));
    expect(built).toBe(true);
    expect(runtime.ready()).toBe(false); // leading, caches not synced yet
    synced.resolve();
    await started;
    await runtime.whenIdle();
    expect(handled.sort()).toEqual(['a', 'b']);
    expect(runtime.ready()).toBe(true);

    await runtime.stop();
    expect(e.released()).toBe(true);
  });

  it('on losing the Lease: fences writes at once, stops taking work, lets the reconcile in flight end, then tells the app', async () => {
    const e = fakeElector();
    const inFlight = deferred();
    const events: string[] = [];
    let fencedWrite: unknown;
    const runtime = new ControllerRuntime({
      name: 'test',
      client,
      elector: e.elector,
      concurrency: 1,
      logger: silent,
      onError: (key) => events.push(`retry ${key}`),
      onLostLeadership: (reason) => events.push(`lost ${reason}`),
      setup: ({ client: fenced, queue }): Controller => ({
        informers: [],
        keys: () => ['a'],
        reconcile: async (key) => {
          events.push(`handle ${key}`);
          if (key === 'a') {
            queue.add('b');
            await inFlight.promise;
            fencedWrite = await fenced.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: key }, {}).catch((err: unknown) => err);
            events.push(`finished ${key}`);
          }
          return {};
        },
      }),
    });
    e.lead();
    await runtime.start();
    await new Promise((r) => setTimeout(r, 5));
    e.lose();
    expect(runtime.ready()).toBe(false);
    inFlight.resolve();
    await new Promise((r) => setTimeout(r, 20));
    expect(fencedWrite).toBeInstanceOf(KubeError);
    expect((fencedWrite as KubeError).code).toBe('Fenced');
    // 'b' was queued but never handled; the app hears of the loss only after 'a' finished; nothing was retried.
    expect(events).toEqual(['handle a', 'finished a', 'lost renew-deadline']);
  });

  it('a write fenced while the replica still leads (its renewal landed late) is handled again once the fence reopens, not dropped', async () => {
    const e = fakeElector();
    let fenceOpen = true;
    const elector = { ...e.elector, mayWrite: () => e.elector.currentRole() === 'leader' && fenceOpen } as LeaderElector;
    const written: string[] = [];
    const runtime = new ControllerRuntime({
      name: 'test',
      client,
      elector,
      concurrency: 1,
      logger: silent,
      backoff: { initialMs: 10, maxMs: 20 },
      setup: ({ client: fenced }): Controller => ({
        informers: [],
        keys: () => ['a'],
        reconcile: async (key) => {
          await fenced.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: key }, {});
          written.push(key);
          return {};
        },
      }),
    });
    e.lead();
    fenceOpen = false; // the last renewal is a renew deadline old; the next one is on its way
    await runtime.start();
    await new Promise((r) => setTimeout(r, 30));
    expect(written).toEqual([]);
    fenceOpen = true; // it landed: still the leader, no step-down
    await new Promise((r) => setTimeout(r, 60));
    expect(written).toEqual(['a']);
    expect(runtime.status().role).toBe('leader');
    await runtime.stop();
  });

  it('without an elector, is the sole active replica: no fence, ready once synced', async () => {
    const runtime = new ControllerRuntime({
      name: 'test',
      client,
      concurrency: 1,
      logger: silent,
      setup: ({ client: c }): Controller => ({ informers: [], keys: () => ['a'], reconcile: async () => (await c.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'a' }, {}), {}) }),
    });
    expect(runtime.ready()).toBe(false);
    await runtime.start();
    await runtime.whenIdle();
    expect(runtime.ready()).toBe(true);
    expect(runtime.status().role).toBe('leader');
  });
});
