import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeError } from './errors.js';
import { Informer } from './informer.js';
import type { InformerEvent, InformerOptions } from './informer.js';
import { EventLog, adminClient, createNamespace, eventFor, installProbeCrd, uniqueGroup } from './kube.testkit.js';
import { loadKubeConfig } from './kubeconfig.js';
import { resourcePath } from './paths.js';
import { KubeTransport } from './transport.js';
import type { KubeObject } from './types.js';
import { apiWatchSource } from './watch-source.js';
import type { Query, WatchSource } from './watch-source.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const client = adminClient('sluice-informer-test');
let ns: string;
const informers: Informer<KubeObject>[] = [];

beforeAll(async () => {
  ns = await createNamespace(client, 'kube-informer');
});
afterAll(async () => {
  for (const inf of informers) inf.stop();
  if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
});

/** The real list/watch source, recording each request's query so a test can see lists, resumes and their resourceVersions. */
function recordingSource() {
  const kc = loadKubeConfig({ mode: 'file', path: inject('kubeconfig') });
  const real = apiWatchSource(new KubeTransport(kc));
  const lists: Query[] = [];
  const watches: Query[] = [];
  const source: WatchSource = {
    list: (path, query) => {
      lists.push(query);
      return real.list(path, query);
    },
    watch: (path, query, onEvent, onDone) => {
      watches.push(query);
      return real.watch(path, query, onEvent, onDone);
    },
  };
  return { source, lists, watches };
}

function start<T extends KubeObject>(source: WatchSource, options: Omit<InformerOptions<T>, 'onEvent'>) {
  const log = new EventLog<T>();
  const errors: KubeError[] = [];
  const inf = new Informer<T>(source, { ...options, onEvent: log.onEvent, onError: (e) => errors.push(e) });
  informers.push(inf as unknown as Informer<KubeObject>);
  return { inf, log, errors };
}

const cm = (name: string, data: Record<string, string>, labels?: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, ...(labels && { labels }) },
  data,
});
const cmPath = () => resourcePath({ apiVersion: 'v1', plural: 'configmaps', namespace: ns });

describe('informer against a real apiserver', () => {
  it('lists existing objects, then sees ADDED, MODIFIED and DELETED, keeping its cache current', async () => {
    await client.apply(cm('pre-existing', { v: '1' }, { suite: 'basic' }));
    const { inf, log } = start<ConfigMap>(recordingSource().source, { path: cmPath(), labelSelector: 'suite=basic' });
    await inf.waitForSync();
    expect(inf.hasSynced()).toBe(true);
    expect(log.events).toEqual([{ type: 'ADDED', object: expect.objectContaining({ kind: 'ConfigMap', metadata: expect.objectContaining({ name: 'pre-existing' }) }) }]);

    await client.apply(cm('watched', { v: '1' }, { suite: 'basic' }));
    await log.next(eventFor('ADDED', 'watched'));
    await client.apply(cm('watched', { v: '2' }, { suite: 'basic' }));
    const modified = await log.next(eventFor<ConfigMap>('MODIFIED', 'watched', (o) => o.data?.['v'] === '2'));
    expect(modified.type === 'MODIFIED' && modified.previous?.data).toEqual({ v: '1' });
    expect(inf.get(ns, 'watched')?.data).toEqual({ v: '2' });

    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'watched' });
    await log.next(eventFor('DELETED', 'watched'));
    expect(inf.get(ns, 'watched')).toBeUndefined();
    expect(inf.list().map((o) => o.metadata.name)).toEqual(['pre-existing']);
    // The label selector reached the server: other config maps in the namespace never showed up.
    expect(log.events.every((e) => e.type !== 'RESYNC' && e.object.metadata.labels?.['suite'] === 'basic')).toBe(true);
  });

  it('drops managedFields from listed and watched objects unless asked to keep them', async () => {
    await client.apply(cm('listed', { v: '1' }, { suite: 'managed-fields' }));
    const slim = start<ConfigMap>(recordingSource().source, { path: cmPath(), labelSelector: 'suite=managed-fields' });
    const full = start<ConfigMap>(recordingSource().source, { path: cmPath(), labelSelector: 'suite=managed-fields', keepManagedFields: true });
    await Promise.all([slim.inf.waitForSync(), full.inf.waitForSync()]);
    await client.apply(cm('watched', { v: '1' }, { suite: 'managed-fields' }));
    await Promise.all([slim.log.next(eventFor('ADDED', 'watched')), full.log.next(eventFor('ADDED', 'watched'))]);

    for (const name of ['listed', 'watched']) {
      expect(slim.inf.get(ns, name)?.metadata).not.toHaveProperty('managedFields');
      expect(full.inf.get(ns, name)?.metadata.managedFields).toEqual(expect.arrayContaining([expect.objectContaining({ manager: 'sluice-informer-test' })]));
    }
  });

  it('resumes from the last resourceVersion each time the server closes the stream, without re-listing', async () => {
    const rec = recordingSource();
    const { inf, log } = start<ConfigMap>(rec.source, { path: cmPath(), labelSelector: 'suite=resume', watchTimeoutSeconds: 1 });
    await inf.waitForSync();
    for (const v of ['1', '2', '3', '4']) {
      await client.apply(cm('resumed', { v }, { suite: 'resume' }));
      await log.next(eventFor<ConfigMap>(v === '1' ? 'ADDED' : 'MODIFIED', 'resumed', (o) => o.data?.['v'] === v));
      // Let the 1 s watch expire in between, so every change arrives on a new stream.
      await new Promise((r) => setTimeout(r, 1_300));
    }
    expect(rec.lists).toHaveLength(1);
    expect(rec.watches.length).toBeGreaterThanOrEqual(4);
    expect(log.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'MODIFIED', 'MODIFIED']);
    // Each resumed watch started where the previous one left off: resourceVersions only move forward.
    const rvs = rec.watches.map((w) => Number(w.resourceVersion));
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(rvs.at(-1)).toBeGreaterThanOrEqual(Number(inf.get(ns, 'resumed')?.metadata.resourceVersion));
    expect(Number(inf.lastResourceVersion())).toBeGreaterThanOrEqual(Number(inf.get(ns, 'resumed')?.metadata.resourceVersion));
  });

  it('re-lists after a real 410 Gone and emits RESYNC with the reconciled cache', async () => {
    // A re-created CRD gets a fresh watch cache that starts after our last resourceVersion,
    // so resuming from it is answered with ERROR 410 "too old resource version".
    const group = uniqueGroup('gone');
    await installProbeCrd(client, group, ns);
    const apiVersion = `${group}/v1`;
    const probe = (name: string): KubeObject => ({ apiVersion, kind: 'Probe', metadata: { name, namespace: ns }, spec: {} });
    await client.create(probe('before'));

    const rec = recordingSource();
    const { inf, log, errors } = start<KubeObject>(rec.source, {
      path: resourcePath({ apiVersion, plural: 'probes', namespace: ns }),
      backoff: { initialMs: 100, maxMs: 1_000 },
    });
    await inf.waitForSync();
    expect(inf.list().map((o) => o.metadata.name)).toEqual(['before']);

    const crdRef = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `probes.${group}` };
    await client.delete(crdRef);
    await waitUntilGone(crdRef);
    await installProbeCrd(client, group, ns);
    await client.create(probe('after'));

    const resync = await log.next((e) => e.type === 'RESYNC', 0, 30_000);
    // The re-list may land before or after "after" is created; "before" is gone either way.
    expect(resync.type === 'RESYNC' && resync.objects.map((o) => o.metadata.name)).not.toContain('before');
    expect(errors.some((e) => e.status === 410 && e.reason === 'Expired' && /too old resource version/.test(e.message))).toBe(true);
    expect(rec.lists.length).toBeGreaterThanOrEqual(2);
    await log.next(eventFor('ADDED', 'after'));
    await log.next(eventFor('DELETED', 'before'));
    expect(inf.list().map((o) => o.metadata.name)).toEqual(['after']);

    // And it keeps watching after the re-list.
    await client.mergePatch({ apiVersion, kind: 'Probe', namespace: ns, name: 'after' }, { spec: { touched: true } });
    await log.next(eventFor('MODIFIED', 'after'));
    await client.delete(crdRef);
  });

  it('stop() ends the watch: later changes are not seen', async () => {
    const { inf, log } = start<ConfigMap>(recordingSource().source, { path: cmPath(), labelSelector: 'suite=stop' });
    await inf.waitForSync();
    inf.stop();
    await client.apply(cm('after-stop', {}, { suite: 'stop' }));
    await expect(log.next(eventFor('ADDED', 'after-stop'), 0, 1_500)).rejects.toThrow(/no matching informer event/);
  });
});

/** Resolves once `ref` is gone, using a watch on its collection. */
async function waitUntilGone(ref: { apiVersion: string; kind: string; name: string }): Promise<void> {
  if (!(await client.get(ref))) return;
  const log = new EventLog<KubeObject>();
  const inf = client.informer<KubeObject>({ path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', onEvent: log.onEvent });
  try {
    await inf.waitForSync();
    if (!inf.get(undefined, ref.name)) return;
    await log.next((e: InformerEvent<KubeObject>) => e.type === 'DELETED' && e.object.metadata.name === ref.name, 0, 30_000);
  } finally {
    inf.stop();
  }
}
