import { describe, expect, it } from 'vitest';
import { ANNOTATIONS, type Delivery, type DeliveryStatus, type PostedStatus } from '@sluice/delivery';
import { KubeError, type Enqueue, type Informer, type KubeClient, type KubeObject, type ObjectRef } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { desiredFor } from '../decide/desired.js';
import { deliveryObject, fakeSha } from '../testing/delivery.testkit.js';
import { DeliveryRetention } from './retention.js';

const NS = 'sluice-system';
const options = { prefix: 'sluice' };
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

const app = {
  apiVersion: 'sluice.dev/v1alpha1',
  kind: 'Application',
  metadata: { name: 'inventory', namespace: NS },
  spec: {
    project: { id: 1, path: 'platform/inventory' },
    repositoryUrl: 'https://gitlab.example.test/platform/inventory.git',
    rules: [{ refs: 'main', environments: ['production'] }],
    test: { image: 'node:22', commands: ['npm test'] },
    build: { repository: 'registry.example.test/inventory' },
    environments: { production: { namespace: 'shop', deploymentName: 'inventory', serviceName: 'inventory' } },
    history: { keepFinished: 1 },
  },
};

/** A Live Delivery finished at `minute`, every status posted. */
function posted(name: string, minute: number): Delivery {
  const base = deliveryObject({ name, namespace: NS, sha: fakeSha(name), environments: ['production'] });
  const stages: DeliveryStatus['stages'] = [
    { name: 'test', state: 'succeeded', finishedAt: at(minute) },
    { name: 'build', state: 'succeeded', finishedAt: at(minute) },
    { name: 'deploy', environment: 'production', state: 'succeeded', startedAt: at(minute), finishedAt: at(minute) },
  ];
  const delivery: Delivery = { ...base, metadata: { ...base.metadata, uid: `uid-${name}`, resourceVersion: `rv-${name}` }, status: { phase: 'Live', stages, posted: {} } };
  const desired = desiredFor(delivery, options);
  const records: Record<string, PostedStatus> = {};
  for (const s of desired.statuses) records[s.name] = { state: s.state, postedAt: at(minute) };
  for (const d of desired.deployments) {
    records[d.environmentKey] = { state: 'success', postedAt: at(minute) };
    records[d.key] = { state: 'success', postedAt: at(minute), deploymentId: 1 };
  }
  return { ...delivery, status: { phase: 'Live', stages, posted: records } };
}

function cache(objects: readonly object[]): Informer<KubeObject> {
  const items = objects as KubeObject[];
  return { list: () => items, get: (ns: string | undefined, name: string) => items.find((o) => o.metadata.namespace === ns && o.metadata.name === name) } as unknown as Informer<KubeObject>;
}

const FORBIDDEN = Symbol('forbidden');

/** A retention over the given caches with a fake API: `answers` decides each delete; the Service names `live`. */
function harness(deliveries: readonly Delivery[], answers: Record<string, 'ok' | 'gone' | 'conflict'>, live: string | typeof FORBIDDEN = '') {
  const deletes: { name: string; preconditions: unknown }[] = [];
  const kube = {
    informer: () => cache([app]),
    get: async (ref: ObjectRef) => {
      if (live === FORBIDDEN) throw new KubeError('Forbidden', 'services "inventory" is forbidden');
      return ref.kind === 'Service' && live ? { metadata: { name: ref.name, annotations: { [ANNOTATIONS.delivery]: live } } } : undefined;
    },
    delete: async (ref: ObjectRef, opts: { preconditions?: unknown }) => {
      deletes.push({ name: ref.name, preconditions: opts.preconditions });
      const answer = answers[ref.name] ?? 'ok';
      if (answer === 'conflict') throw new KubeError('Conflict', 'the precondition failed');
      return answer === 'ok';
    },
  } as unknown as KubeClient;
  const queued: string[] = [];
  const queue: Enqueue = { add: (key) => queued.push(key), addAt: (key) => queued.push(key) };
  const deleted: number[] = [];
  const retention = new DeliveryRetention({ namespace: NS, decide: options, logger: createLogger({ service: 'test', level: 'silent' }), maxDeletesPerPass: 2, now: () => 0, onDeleted: (_, n) => deleted.push(n) });
  retention.setup(kube, queue, cache(deliveries));
  return { retention, kube, deletes, deleted, key: `retention:${NS}/inventory` };
}

describe('DeliveryRetention pass', () => {
  it('deletes each surplus Delivery on the precondition of the uid and resourceVersion it decided on, at most the bound per pass, and comes back for the rest', async () => {
    const deliveries = [1, 2, 3, 4].map((i) => posted(`d${i}`, i));
    const h = harness(deliveries, {});
    const result = await h.retention.pass(h.kube, h.key);
    expect(h.deletes).toEqual([
      { name: 'd1', preconditions: { uid: 'uid-d1', resourceVersion: 'rv-d1' } },
      { name: 'd2', preconditions: { uid: 'uid-d2', resourceVersion: 'rv-d2' } },
    ]);
    expect(h.deleted).toEqual([2]);
    expect(result.recheckAtMs).toBe(1000);
  });

  it('takes a Delivery already gone or changed since (404, 409) in its stride, and decides a changed one again later', async () => {
    const h = harness([posted('d1', 1), posted('d2', 2), posted('d3', 3)], { d1: 'gone', d2: 'conflict' });
    const result = await h.retention.pass(h.kube, h.key);
    expect(h.deletes.map((d) => d.name)).toEqual(['d1', 'd2']);
    expect(h.deleted).toEqual([0]);
    expect(result.recheckAtMs).toBe(1000);
  });

  it('keeps what the production Service names live and needs no further pass when nothing is left', async () => {
    const h = harness([posted('d1', 1), posted('d2', 2)], {}, 'd1');
    expect(await h.retention.pass(h.kube, h.key)).toEqual({});
    expect(h.deletes).toEqual([]);
  });

  it('deletes nothing when it may not read the Services that say what is live', async () => {
    const h = harness([posted('d1', 1), posted('d2', 2)], {}, FORBIDDEN);
    expect(await h.retention.pass(h.kube, h.key)).toEqual({});
    expect(h.deletes).toEqual([]);
  });

  it('deletes nothing for an Application it does not know', async () => {
    const h = harness([posted('d1', 1), posted('d2', 2)], {});
    expect(await h.retention.pass(h.kube, `retention:${NS}/billing`)).toEqual({});
    expect(h.deletes).toEqual([]);
  });
});
