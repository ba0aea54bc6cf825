import { describe, expect, it } from 'vitest';
import type { KubeClient } from '../client.js';
import { isKubeError } from '../errors.js';
import { fencedClient, isFenced } from './fenced-client.js';

/** A stand-in with KubeClient's method names that records what was sent. */
function recordingClient(sent: string[]): KubeClient {
  const record = (name: string) => async () => (sent.push(name), {});
  return {
    get: record('get'),
    list: record('list'),
    apply: record('apply'),
    create: record('create'),
    createIfAbsent: record('createIfAbsent'),
    mergePatch: record('mergePatch'),
    strategicMergePatch: record('strategicMergePatch'),
    updateStatus: record('updateStatus'),
    delete: record('delete'),
  } as unknown as KubeClient;
}

const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'x' };

describe('fencedClient', () => {
  it('sends writes while the fence is open', async () => {
    const sent: string[] = [];
    const client = fencedClient(recordingClient(sent), () => true);
    await client.mergePatch(ref, {});
    await client.delete(ref);
    expect(sent).toEqual(['mergePatch', 'delete']);
  });

  it('refuses every write with Fenced, without sending it, once the fence closes; reads still work', async () => {
    const sent: string[] = [];
    let open = true;
    const client = fencedClient(recordingClient(sent), () => open);
    open = false;
    for (const write of [
      () => client.apply({ ...ref, metadata: { name: 'x', namespace: 'ns' } }),
      () => client.create({ ...ref, metadata: { name: 'x', namespace: 'ns' } }),
      () => client.createIfAbsent({ ...ref, metadata: { name: 'x', namespace: 'ns' } }),
      () => client.mergePatch(ref, {}),
      () => client.strategicMergePatch(ref, {}),
      () => client.updateStatus(ref, () => undefined),
      () => client.delete(ref),
    ]) {
      const error = await write().then(() => undefined, (err: unknown) => err);
      expect(isKubeError(error, 'Fenced')).toBe(true);
      expect(isFenced(error)).toBe(true);
    }
    await client.get(ref);
    await client.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns' });
    expect(sent).toEqual(['get', 'list']);
  });
});
