import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from './client.js';
import { adminClient, createNamespace, installProbeCrd, uniqueGroup } from './kube.testkit.js';
import type { KubeObject } from './types.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}
interface Container {
  name: string;
  image: string;
}
interface Deployment extends KubeObject {
  spec: { template: { spec: { containers: Container[] } } };
}

const client: KubeClient = adminClient('sluice-test-app');
let ns: string;

beforeAll(async () => {
  ns = await createNamespace(client, 'kube-client');
});
afterAll(async () => {
  if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
});

const configMap = (name: string, data: Record<string, string>): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns },
  data,
});

describe('apply (server-side apply)', () => {
  it('creates, records the field manager, and is idempotent on re-apply', async () => {
    const first = await client.apply(configMap('ssa', { a: '1', b: '2' }));
    expect(first.metadata.uid).toBeTruthy();
    expect(first.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'sluice-test-app', operation: 'Apply', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } }),
    ]);
    const again = await client.apply(configMap('ssa', { a: '1', b: '2' }));
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    // Timestamps stay strings: the object is the server's JSON, not a typed model.
    expect(typeof again.metadata['creationTimestamp']).toBe('string');
  });

  it('removes a field the manager stops applying, and leaves other managers’ fields alone', async () => {
    await client.apply(configMap('owned', { a: '1', b: '2' }));
    await client.apply({ ...configMap('owned', { other: 'x' }) }, { fieldManager: 'someone-else' });
    const after = await client.apply(configMap('owned', { a: '1' }));
    expect(after.data).toEqual({ a: '1', other: 'x' });
  });

  it('reports a field another manager owns as Conflict unless forced', async () => {
    await client.apply(configMap('contested', { a: '1' }));
    await expect(client.apply(configMap('contested', { a: '2' }), { fieldManager: 'rival' })).rejects.toMatchObject({
      code: 'Conflict',
      status: 409,
      message: expect.stringContaining('conflict with "sluice-test-app"'),
    });
    const forced = await client.apply(configMap('contested', { a: '2' }), { fieldManager: 'rival', force: true });
    expect(forced.data).toEqual({ a: '2' });
    expect(forced.metadata.managedFields?.find((f) => f.manager === 'rival')?.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
  });

  it('sends the body as given, so a misspelled field is rejected by the server as Invalid', async () => {
    const typo = { ...configMap('typo', {}), datta: { a: '1' } };
    await expect(client.apply(typo)).rejects.toMatchObject({ code: 'Invalid', message: expect.stringContaining('.datta: field not declared in schema') });
  });
});

describe('createIfAbsent', () => {
  it('creates once, then answers with the existing object instead of throwing', async () => {
    const first = await client.createIfAbsent(configMap('once', { v: 'first' }));
    expect(first.created).toBe(true);
    const second = await client.createIfAbsent(configMap('once', { v: 'second' }));
    expect(second.created).toBe(false);
    if (second.created || !first.created) throw new Error('unreachable');
    expect(second.existing.metadata.uid).toBe(first.object.metadata.uid);
    expect(second.existing.data).toEqual({ v: 'first' });
  });

  it('lets exactly one of many concurrent creators win', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => client.createIfAbsent(configMap('race', { by: String(i) }))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });
});

describe('merge patch vs strategic merge patch', () => {
  const deployment = (name: string): Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'app', image: 'registry.local/app:v1' },
            { name: 'sidecar', image: 'registry.local/proxy:v1' },
          ],
        },
      },
    } as Deployment['spec'],
  });
  const ref = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name });
  const patch = (image: string) => ({ spec: { template: { spec: { containers: [{ name: 'app', image }] } } } });
  const containers = (d: Deployment) => d.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`);

  it('strategic merge updates the named container and keeps the others', async () => {
    await client.create(deployment('smp'));
    const patched = await client.strategicMergePatch<Deployment>(ref('smp'), patch('registry.local/app:v2'));
    expect(containers(patched)).toEqual(['app=registry.local/app:v2', 'sidecar=registry.local/proxy:v1']);
  });

  it('merge patch replaces the whole list', async () => {
    await client.create(deployment('mp'));
    const patched = await client.mergePatch<Deployment>(ref('mp'), patch('registry.local/app:v2'));
    expect(containers(patched)).toEqual(['app=registry.local/app:v2']);
  });

  it('merge patch deletes a key set to null', async () => {
    await client.apply(configMap('nulls', { keep: '1', drop: '2' }));
    const patched = await client.mergePatch<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'nulls' }, { data: { drop: null } });
    expect(patched.data).toEqual({ keep: '1' });
  });
});

describe('get, list, delete', () => {
  it('returns undefined for an absent object but throws for an unknown kind', async () => {
    expect(await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'absent' })).toBeUndefined();
    await expect(client.get({ apiVersion: 'v1', kind: 'NoSuchKind', namespace: ns, name: 'x' })).rejects.toMatchObject({ code: 'NotFound' });
    await expect(client.get({ apiVersion: 'nope.sluice.dev/v1', kind: 'Thing', namespace: ns, name: 'x' })).rejects.toMatchObject({
      code: 'NotFound',
      message: expect.stringContaining('is its CRD installed?'),
    });
  });

  it('lists by label and fills in apiVersion and kind', async () => {
    await Promise.all(
      ['l1', 'l2', 'l3'].map((name) => client.apply({ ...configMap(name, {}), metadata: { name, namespace: ns, labels: { set: 'listed' } } })),
    );
    const listed = await client.list<ConfigMap>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }, { labelSelector: 'set=listed' });
    expect(listed.items.map((i) => i.metadata.name).sort()).toEqual(['l1', 'l2', 'l3']);
    expect(listed.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(Number(listed.resourceVersion)).toBeGreaterThan(0);
  });

  it('deletes once and reports an already-deleted object as false', async () => {
    await client.apply(configMap('doomed', {}));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'doomed' };
    expect(await client.delete(ref)).toBe(true);
    expect(await client.delete(ref)).toBe(false);
    expect(await client.get(ref)).toBeUndefined();
  });

  it('works the same for custom resources, where strategic merge is refused as Invalid', async () => {
    const group = uniqueGroup('client');
    await installProbeCrd(client, group, ns);
    const ref = { apiVersion: `${group}/v1`, kind: 'Probe', namespace: ns, name: 'p' };
    await client.create({ apiVersion: ref.apiVersion, kind: 'Probe', metadata: { name: 'p', namespace: ns }, spec: { a: 1 } });
    const patched = await client.mergePatch<KubeObject & { spec: object }>(ref, { spec: { b: 2 } });
    expect(patched.spec).toEqual({ a: 1, b: 2 });
    await expect(client.strategicMergePatch(ref, { spec: { c: 3 } })).rejects.toMatchObject({ code: 'Invalid', status: 415 });
    expect(await client.delete(ref)).toBe(true);
    await client.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `probes.${group}` });
  });
});
