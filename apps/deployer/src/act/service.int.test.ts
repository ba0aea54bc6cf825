import { ANNOTATIONS } from '@sluice/delivery';
import { isKubeError, type KubeObject } from '@sluice/kube';
import { COLOR_LABEL } from '@sluice/manifests';
import type { DeploymentObject } from '../decide/facts.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openHarness, type Harness } from '../testing/harness.testkit.js';
import { applyDeployment, scaleToZero } from './deployments.js';
import { annotateService, createService, switchService } from './service.js';

let h: Harness;
const OWNER = 'sluice-system/web';
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
    await createService(h.client, { app: 'web', namespace: h.namespace, name: 'web', color: 'blue', owner: OWNER, annotations: {} });
    const seen = await readService('web');
    const ref = { namespace: h.namespace, name: 'web', owner: OWNER, resourceVersion: seen.metadata.resourceVersion };

    // Someone else (a deposed replica, a person) writes in between.
    await annotateService(h.client, { namespace: h.namespace, name: 'web', owner: OWNER }, { [ANNOTATIONS.revision]: 'other' });
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

describe('the scale-down carries the resourceVersion the decision saw', () => {
  it('is refused (Conflict, replicas kept) when the Deployment changed since, e.g. re-rendered for a new rollout', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web-green', namespace: h.namespace },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web-green' } },
        template: { metadata: { labels: { app: 'web-green' } }, spec: { containers: [{ name: 'app', image: 'registry.invalid/web@sha256:' + '0'.repeat(64) }] } },
      },
    };
    const seen = (await h.client.create<KubeObject>(deployment as unknown as KubeObject)) as unknown as DeploymentObject;
    await h.client.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.namespace, name: 'web-green' }, { metadata: { annotations: { [ANNOTATIONS.revision]: 'newer' } } });

    const refused = await scaleToZero(h.client, seen, OWNER).catch((err: unknown) => err);
    expect(isKubeError(refused, 'Conflict')).toBe(true);
    const kept = await h.client.get<KubeObject & DeploymentObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.namespace, name: 'web-green' });
    expect(kept?.spec?.replicas).toBe(2);

    // Decided again from the Deployment as it is now, the scale-down lands (the Deployment controller's own
    // status writes can move it on in between, as they do for the deployer: then it is read and tried again).
    for (let attempt = 0; ; attempt++) {
      const current = await h.client.get<KubeObject & DeploymentObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.namespace, name: 'web-green' });
      const outcome = await scaleToZero(h.client, current as DeploymentObject, OWNER).catch((err: unknown) => err);
      if (outcome === undefined) break;
      if (!isKubeError(outcome, 'Conflict') || attempt === 10) throw outcome;
    }
    const scaled = await h.client.get<KubeObject & DeploymentObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.namespace, name: 'web-green' });
    expect(scaled?.spec?.replicas).toBe(0);
  });
});

describe('rendering a color that exists carries the resourceVersion the decision saw', () => {
  it('is refused (Conflict, the Deployment untouched) when the color changed since', async () => {
    const rendered = (revision: string): DeploymentObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api-blue', namespace: h.namespace, annotations: { [ANNOTATIONS.revision]: revision } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'api-blue' } },
        template: { metadata: { labels: { app: 'api-blue' } }, spec: { containers: [{ name: 'app', image: `registry.invalid/api@sha256:${'1'.repeat(64)}` }] } },
      },
    });
    await applyDeployment(h.client, rendered('first'));
    const read = () => h.client.get<KubeObject & DeploymentObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.namespace, name: 'api-blue' });
    const seen = (await read())?.metadata.resourceVersion;
    await h.client.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: h.namespace, name: 'api-blue' }, { metadata: { annotations: { [ANNOTATIONS.revision]: 'someone-else' } } });

    const refused = await applyDeployment(h.client, rendered('stale'), seen).catch((err: unknown) => err);
    expect(isKubeError(refused, 'Conflict')).toBe(true);
    expect((await read())?.metadata.annotations?.[ANNOTATIONS.revision]).toBe('someone-else');
  });
});
