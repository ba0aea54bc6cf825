import { ANNOTATIONS, promotionApprovedAnnotation, WAITING_FOR_PROMOTION } from '@sluice/delivery';
import { resourcePath, type KubeObject } from '@sluice/kube';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PodObject, ServiceObject } from '../decide/facts.js';
import { readyBehind } from '../decide/pods.js';
import { applicationObject, createHandedOffDelivery, deliveriesPath, sha, waitForObject, waitForPhase } from '../testing/deployer.testkit.js';
import { openHarness, type Harness } from '../testing/harness.testkit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

let h: Harness;
beforeAll(async () => {
  h = await openHarness(inject('kubeconfig'), 'deployer-manual');
});
afterAll(async () => {
  await h?.close();
});

const ENDED = ['Live', 'Failed', 'RolledBack', 'Superseded'];
const GROUP = 'sluice.dev/v1alpha1';
const deploymentsPath = () => resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: h.namespace });
const applicationsPath = () => resourcePath({ apiVersion: GROUP, plural: 'applications', namespace: h.namespace });
const service = (name: string) => h.client.get<KubeObject & ServiceObject>({ apiVersion: 'v1', kind: 'Service', namespace: h.namespace, name });
const pods = async () => (await h.client.list<KubeObject>({ apiVersion: 'v1', kind: 'Pod', namespace: h.namespace })).items as unknown as PodObject[];
const annotate = (kind: 'Application' | 'Delivery', name: string, annotations: Record<string, string>) =>
  h.client.mergePatch({ apiVersion: GROUP, kind, namespace: h.namespace, name }, { metadata: { annotations } });

async function deliverLive(app: string, name: string, commit: string) {
  await createHandedOffDelivery(h.client, { namespace: h.namespace, application: app, name, commit, environments: ['production'] });
  expect((await waitForPhase(h.client, h.namespace, name, ENDED)).status).toMatchObject({ phase: 'Live' });
}

async function versionsBehind(selector: Record<string, string>): Promise<string[]> {
  const behind = readyBehind(await pods(), selector);
  return Promise.all(behind.map(async (p) => (await fetch(`http://${p.status?.podIP}:8080/version`)).text()));
}

describe('manual rollback and promotion on the local cluster', () => {
  it('rollback after the previous color was scaled down redeploys the previous good revision on the other color', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'undo', targetNamespace: h.namespace, scaleDownDelaySeconds: 1 }));
    const good = sha('good', 50);
    const next = sha('good', 51);
    await deliverLive('undo', 'undo-1', good);
    await deliverLive('undo', 'undo-2', next);
    expect((await service('undo-production'))?.spec?.selector?.['color']).toBe('green');
    // The old color is scaled down after the (short) delay: no instant switch back is possible.
    await waitForObject(h.client, deploymentsPath(), (d) => {
      const o = d as KubeObject & { spec?: { replicas?: number }; status?: { replicas?: number } };
      return o.metadata.name === 'undo-production-blue' && o.spec?.replicas === 0 && (o.status?.replicas ?? 0) === 0;
    });

    await annotate('Application', 'undo', { [ANNOTATIONS.action]: 'rollback' });
    const app = await waitForObject(h.client, applicationsPath(), (a) => a.metadata.name === 'undo' && a.metadata.annotations?.[ANNOTATIONS.action] === undefined);
    expect(app.metadata.annotations?.[ANNOTATIONS.lastAction]).toMatch(new RegExp(`^rollback@.* → ${good} \\(redeploy\\)$`));

    // A rollback Delivery takes the normal steps and goes Live.
    const rollback = await waitForObject(h.client, deliveriesPath(h.namespace), (d) => d.metadata.annotations?.[ANNOTATIONS.rollback] === 'production');
    const live = await waitForPhase(h.client, h.namespace, rollback.metadata.name ?? '', ENDED);
    expect(live.status).toMatchObject({ phase: 'Live' });
    expect((live['spec'] as { checkoutSha: string }).checkoutSha).toBe(good);

    const svc = await service('undo-production');
    expect(svc?.spec?.selector?.['color']).toBe('blue');
    const ann = svc?.metadata.annotations ?? {};
    expect(ann[ANNOTATIONS.revision]).toBe(good);
    expect(ann[ANNOTATIONS.verifiedRevision]).toBe(good);
    expect(ann[ANNOTATIONS.lastAction]).toMatch(/^rollback@.* → a0/);
    // The rolled-away revision is not rejected: it is the previous (good) one now.
    expect(ann[ANNOTATIONS.previousRevision]).toBe(next);
    expect(ann[ANNOTATIONS.rejected] ?? '').not.toContain(next);
    expect(await versionsBehind(svc?.spec?.selector ?? {})).toEqual([good, good]);
  });

  it('manual promotion: the delivery waits with ready new pods and traffic unchanged, a newer push supersedes it, promote makes it Live', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'gate', targetNamespace: h.namespace }));
    await deliverLive('gate', 'gate-1', sha('good', 60));
    await h.client.mergePatch({ apiVersion: GROUP, kind: 'Application', namespace: h.namespace, name: 'gate' }, { spec: { environments: { production: { promotion: 'manual' } } } });

    const waitingFor = (name: string) =>
      waitForObject(h.client, deliveriesPath(h.namespace), (d) => {
        const stages = ((d['status'] ?? {}) as { stages?: { name: string; state: string; message?: string }[] }).stages ?? [];
        return d.metadata.name === name && stages.some((s) => s.name === 'deploy' && s.state === 'running' && s.message === WAITING_FOR_PROMOTION);
      });

    await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'gate', name: 'gate-2', commit: sha('good', 61), environments: ['production'] });
    await waitingFor('gate-2');
    let svc = await service('gate-production');
    expect(svc?.spec?.selector?.['color']).toBe('blue');
    expect(svc?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 60));
    expect(await versionsBehind({ app: 'gate-production', color: 'green' })).toEqual([sha('good', 61), sha('good', 61)]);

    // A newer push replaces the waiting one and waits in its turn.
    await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'gate', name: 'gate-3', commit: sha('good', 62), environments: ['production'] });
    expect((await waitForPhase(h.client, h.namespace, 'gate-2', ENDED)).status.phase).toBe('Superseded');
    await waitingFor('gate-3');
    expect(await versionsBehind({ app: 'gate-production', color: 'green' })).toEqual([sha('good', 62), sha('good', 62)]);
    svc = await service('gate-production');
    expect(svc?.spec?.selector?.['color']).toBe('blue');

    await annotate('Delivery', 'gate-3', { [ANNOTATIONS.action]: 'promote' });
    const live = await waitForPhase(h.client, h.namespace, 'gate-3', ENDED);
    expect(live.status.phase).toBe('Live');
    expect(live.metadata.annotations?.[ANNOTATIONS.action]).toBeUndefined();
    expect(live.metadata.annotations?.[promotionApprovedAnnotation('production')]).toBeDefined();
    svc = await service('gate-production');
    expect(svc?.spec?.selector?.['color']).toBe('green');
    expect(svc?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 62));
  });
});
