import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminClient, createNamespace, installProbeCrd, uniqueGroup } from './kube.testkit.js';
import type { KubeObject } from './types.js';

interface Probe extends KubeObject {
  spec: { commit: string };
  status?: { phase?: string; stages?: string[] };
}

const client = adminClient('sluice-status-test');
const group = uniqueGroup('status');
let ns: string;

beforeAll(async () => {
  ns = await createNamespace(client, 'kube-status');
  await installProbeCrd(client, group, ns);
});
afterAll(async () => {
  await client.delete({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `probes.${group}` });
  if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
});

const ref = (name: string) => ({ apiVersion: `${group}/v1`, kind: 'Probe', namespace: ns, name });
const create = (name: string) =>
  client.create<Probe>({ apiVersion: `${group}/v1`, kind: 'Probe', metadata: { name, namespace: ns }, spec: { commit: 'abc' } });
const addStage = (stage: string) => (p: Probe) => ({ ...p.status, stages: [...(p.status?.stages ?? []), stage] });

describe('updateStatus on a real status subresource', () => {
  it('writes status only: a spec change in the same object is ignored by the server', async () => {
    await create('status-only');
    const { object } = await client.updateStatus<Probe>(ref('status-only'), (p) => {
      p.spec.commit = 'changed';
      return { phase: 'Testing' };
    });
    expect(object.status).toEqual({ phase: 'Testing' });
    expect(object.spec.commit).toBe('abc');
    expect(object.metadata.managedFields?.some((f) => f.manager === 'sluice-status-test' && f.subresource === 'status')).toBe(true);
  });

  it('retries after a concurrent write bumped the resourceVersion, re-applying the mutation to the fresh copy', async () => {
    await create('contended');
    const stale = await client.get<Probe>(ref('contended'));
    // Another app advances its own stage after we read.
    await client.updateStatus<Probe>(ref('contended'), addStage('test'));
    const mutate = vi.fn(addStage('build'));
    const result = await client.updateStatus<Probe>(ref('contended'), mutate, { current: stale });
    expect(mutate).toHaveBeenCalledTimes(2);
    expect(result.changed).toBe(true);
    expect(result.object.status?.stages).toEqual(['test', 'build']);
  });

  it('loses no update when several writers race', async () => {
    await create('race');
    const stages = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(stages.map((s) => client.updateStatus<Probe>(ref('race'), addStage(s), { maxAttempts: 10 })));
    const final = await client.get<Probe>(ref('race'));
    expect([...(final?.status?.stages ?? [])].sort()).toEqual(stages);
  });

  it('writes nothing when the mutation says no change', async () => {
    const created = await create('unchanged');
    const result = await client.updateStatus<Probe>(ref('unchanged'), () => undefined);
    expect(result.changed).toBe(false);
    expect((await client.get<Probe>(ref('unchanged')))?.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('gives up with Conflict when every attempt loses', async () => {
    await create('hopeless');
    const stale = await client.get<Probe>(ref('hopeless'));
    await client.updateStatus<Probe>(ref('hopeless'), addStage('other'));
    await expect(client.updateStatus<Probe>(ref('hopeless'), addStage('mine'), { current: stale, maxAttempts: 1 })).rejects.toMatchObject({
      code: 'Conflict',
      status: 409,
      message: expect.stringContaining('the object has been modified'),
    });
  });

  it('fails with NotFound for a missing object', async () => {
    await expect(client.updateStatus<Probe>(ref('missing'), addStage('x'))).rejects.toMatchObject({ code: 'NotFound' });
  });
});
