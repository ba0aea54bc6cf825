import { ANNOTATIONS } from '@sluice/delivery';
import { isKubeError, type KubeObject } from '@sluice/kube';
import { COLOR_LABEL } from '@sluice/manifests';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openHarness, type Harness } from '../testing/harness.testkit.js';
import { annotateService, createService, switchService } from './service.js';

let h: Harness;
beforeAll(async () => {
  h = await openHarness(inject('kubeconfig'), 'deployer-service', { start: false });
});
afterAll(async () => h?.close());

async function readService(name: string): Promise<KubeObject & { spec: { selector: Record<string, string> } }> {
  const service = await h.client.get<KubeObject & { spec: { selector: Record<string, string> } }>({ apiVersion: 'v1', kind: 'Service', namespace: h.namespace, name });
  if (!service) throw new Error(`no Service ${name}`);
  return service;
}

describe('Service writes carry the resourceVersion the decision saw', () => {
  it('switches when the Service is as seen, and refuses (Conflict, nothing written) when it changed since', async () => {
    await createService(h.client, { app: 'web', namespace: h.namespace, name: 'web', color: 'blue', annotations: {} });
    const seen = await readService('web');
    const ref = { namespace: h.namespace, name: 'web', resourceVersion: seen.metadata.resourceVersion };

    // Someone else (a deposed replica, a person) writes in between.
    await annotateService(h.client, { namespace: h.namespace, name: 'web' }, { [ANNOTATIONS.revision]: 'other' });
    const refused = await switchService(h.client, ref, 'green', { [ANNOTATIONS.revision]: 'mine' }).catch((err: unknown) => err);
    expect(isKubeError(refused, 'Conflict')).toBe(true);
    const unchanged = await readService('web');
    expect(unchanged.spec.selector[COLOR_LABEL]).toBe('blue');
    expect(unchanged.metadata.annotations?.[ANNOTATIONS.revision]).toBe('other');

    // Decided again from the Service as it is now, the switch lands.
    await switchService(h.client, { ...ref, resourceVersion: unchanged.metadata.resourceVersion }, 'green', { [ANNOTATIONS.revision]: 'mine' });
    const switched = await readService('web');
    expect(switched.spec.selector[COLOR_LABEL]).toBe('green');
    expect(switched.metadata.annotations?.[ANNOTATIONS.revision]).toBe('mine');
  });
});
