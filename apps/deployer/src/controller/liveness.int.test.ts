import { ANNOTATIONS, type DeliveryStatus } from '@sluice/delivery';
import { kubeClientFromFile, type KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { createDeployer, type Deployer } from './controller.js';
import { applicationObject, createHandedOffDelivery, sha, waitForPhase } from '../testing/deployer.testkit.js';
import { openHarness, type Harness } from '../testing/harness.testkit.js';
import { kubectl } from '@sluice/local-cluster/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

let h: Harness;
let deployer: Deployer | undefined;
const kubeconfig = () => inject('kubeconfig');

function startDeployer(): Promise<void> {
  deployer = createDeployer({
    client: kubeClientFromFile(kubeconfig(), { fieldManager: 'sluice-deployer' }),
    settings: h.settings,
    logger: createLogger({ service: 'deployer', level: (process.env['SLUICE_TEST_LOG_LEVEL'] as 'info' | undefined) ?? 'silent' }),
  });
  return deployer.start();
}

beforeAll(async () => {
  h = await openHarness(kubeconfig(), 'liveness', { start: false });
  await startDeployer();
});
afterAll(async () => {
  await deployer?.stop();
  await h?.close();
});

const statusOf = async (name: string) =>
  ((await h.client.get<KubeObject>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: h.namespace, name }))?.['status'] ?? {}) as DeliveryStatus;
const promotedAt = async () =>
  (await h.client.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace: h.namespace, name: 'relay-production' }))?.metadata.annotations?.[ANNOTATIONS.promotedAt];

/** `kubectl get deliveries` as a person reads it: each row's cells by column name. */
function kubectlRows(): Record<string, Record<string, string>> {
  const printed = kubectl(kubeconfig(), ['-n', h.namespace, 'get', 'deliveries']);
  if (printed.status !== 0) throw new Error(`kubectl get deliveries failed: ${printed.stderr}`);
  const [header = '', ...lines] = printed.stdout.trimEnd().split('\n');
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  const rows: Record<string, Record<string, string>> = {};
  for (const line of lines) {
    const cells = Object.fromEntries(starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()]));
    rows[cells['NAME'] ?? ''] = cells;
  }
  return rows;
}

describe('which Delivery is live, and which was replaced', () => {
  it('two pushes go Live in turn: the first says it was replaced by the second (when, where), the second that it is live; kubectl shows both', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'relay', targetNamespace: h.namespace, scaleDownDelaySeconds: 120 }));
    for (const [i, name] of ['relay-1', 'relay-2'].entries()) {
      await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'relay', name, commit: sha('good', 60 + i), environments: ['production'] });
      expect((await waitForPhase(h.client, h.namespace, name, ['Live', 'Failed', 'RolledBack'])).status.phase).toBe('Live');
    }
    const switchedAt = await promotedAt();
    await vi.waitFor(async () => expect((await statusOf('relay-1')).replaced).toBeDefined(), { timeout: 10_000 });
    const first = await statusOf('relay-1');
    const second = await statusOf('relay-2');
    // Both went live, so both keep the phase (GitLab's status stays success); only one serves.
    expect(first).toMatchObject({ phase: 'Live', replaced: [{ environment: 'production', by: 'relay-2', at: new Date(switchedAt ?? '').toISOString() }] });
    expect(first.liveIn).toBeUndefined();
    expect(second).toMatchObject({ phase: 'Live', liveIn: ['production'] });
    expect(second.replaced).toBeUndefined();

    const rows = kubectlRows();
    expect(rows['relay-1']).toMatchObject({ PHASE: 'Live', 'LIVE-IN': '', 'REPLACED-BY': 'relay-2' });
    expect(rows['relay-2']).toMatchObject({ PHASE: 'Live', 'LIVE-IN': '["production"]', 'REPLACED-BY': '' });
  });

  it('a manual rollback makes the first live again and the second replaced by it', async () => {
    await h.client.mergePatch({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Application', namespace: h.namespace, name: 'relay' }, { metadata: { annotations: { [ANNOTATIONS.action]: 'rollback' } } });
    await vi.waitFor(async () => expect((await statusOf('relay-2')).replaced?.[0]?.by).toBe('relay-1'), { timeout: 15_000 });
    expect(await statusOf('relay-1')).toMatchObject({ phase: 'Live', liveIn: ['production'] });
    expect((await statusOf('relay-1')).replaced).toBeUndefined();
    expect((await statusOf('relay-2')).liveIn).toBeUndefined();
  });

  it('a deployer started afterwards records what it finds on the Service, with nothing remembered', async () => {
    await deployer?.stop();
    for (const name of ['relay-1', 'relay-2']) {
      await h.client.updateStatus<KubeObject>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: h.namespace, name }, (d) => {
        const { liveIn: _live, replaced: _replaced, ...rest } = (d['status'] ?? {}) as DeliveryStatus;
        // relay-2 still claims production, as if the deployer had stopped between the switch back and its record.
        return name === 'relay-2' ? { ...rest, liveIn: ['production'] } : rest;
      });
    }
    await startDeployer();
    await vi.waitFor(async () => expect((await statusOf('relay-1')).liveIn).toEqual(['production']), { timeout: 15_000 });
    await vi.waitFor(async () => expect((await statusOf('relay-2')).replaced?.[0]).toMatchObject({ environment: 'production', by: 'relay-1', at: new Date((await promotedAt()) ?? '').toISOString() }), { timeout: 15_000 });
  });
});
