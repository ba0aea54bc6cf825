import { ANNOTATIONS, API_GROUP_VERSION, DeliveryStatusSchema, endEarly } from '@sluice/delivery';
import { resourcePath, type KubeObject } from '@sluice/kube';
import { memoryTelemetry, type FinishedSpan } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { PodObject, ServiceObject } from '../decide/facts.js';
import { readyBehind } from '../decide/pods.js';
import { applicationObject, createHandedOffDelivery, sha, waitForObject, waitForPhase } from '../testing/deployer.testkit.js';
import { openHarness, type Harness } from '../testing/harness.testkit.js';
import { TrafficSampler } from '../testing/traffic.testkit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

let h: Harness;
const telemetry = memoryTelemetry();
beforeAll(async () => {
  h = await openHarness(inject('kubeconfig'), 'deployer', { telemetry });
});
afterAll(async () => {
  await h?.close();
  await telemetry.shutdown();
});

/** The `deploy <environment>` span of Delivery `name` and its children, once recorded (just after the status write). */
async function deploySpans(name: string, environment = 'production'): Promise<{ deploy: FinishedSpan; steps: FinishedSpan[] }> {
  const find = () => telemetry.spansNamed(`deploy ${environment}`).find((s) => s.attributes['cicd.pipeline.run.id'] === name);
  await vi.waitFor(() => expect(find()).toBeDefined(), { timeout: 5_000 });
  const deploy = find() as FinishedSpan;
  return { deploy, steps: telemetry.spans().filter((s) => s.parentSpanId === deploy.spanId) };
}

const servicesPath = () => resourcePath({ apiVersion: 'v1', plural: 'services', namespace: h.namespace });
const service = (name: string) => h.client.get<KubeObject & ServiceObject>({ apiVersion: 'v1', kind: 'Service', namespace: h.namespace, name });
const pods = async () => (await h.client.list<KubeObject>({ apiVersion: 'v1', kind: 'Pod', namespace: h.namespace })).items as unknown as PodObject[];

async function deliver(app: string, name: string, commit: string, receivedAt?: string) {
  await createHandedOffDelivery(h.client, { namespace: h.namespace, application: app, name, commit, environments: ['production'], ...(receivedAt && { receivedAt }) });
}

describe('blue-green on the local cluster', () => {
  it('three good deliveries: colors alternate, the Service follows the newest, never zero ready pods behind it', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'trio', targetNamespace: h.namespace }));
    const sampler = new TrafficSampler(h.client, h.namespace, 'trio-production');
    await sampler.synced();
    try {
      const colors: string[] = [];
      for (let i = 1; i <= 3; i++) {
        const commit = sha('good', i);
        await deliver('trio', `trio-${i}`, commit);
        const live = await waitForPhase(h.client, h.namespace, `trio-${i}`, ['Live', 'Failed', 'RolledBack']);
        expect(live.status.phase).toBe('Live');
        expect(live.status.stages.find((s) => s.name === 'deploy')).toMatchObject({ state: 'succeeded' });
        const svc = await service('trio-production');
        expect(svc?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(commit);
        colors.push(svc?.spec?.selector?.['color'] ?? '');
        // Traffic check against what the Service selects: every ready pod behind it serves the new revision.
        const behind = readyBehind(await pods(), svc?.spec?.selector ?? {});
        expect(behind.length).toBe(2);
        for (const pod of behind) expect(await (await fetch(`http://${pod.status?.podIP}:8080/version`)).text()).toBe(commit);
      }
      expect(colors).toEqual(['blue', 'green', 'blue']);
      const { deploy, steps } = await deploySpans('trio-2');
      expect(deploy).toMatchObject({ status: 'unset', attributes: expect.objectContaining({ 'k8s.deployment.name': 'trio-production-green', 'deployment.environment.name': 'production' }) });
      expect(steps.map((s) => s.name)).toEqual(['rollout.wait', 'switch', 'bake']);
      const leadTimes = (await telemetry.metric('sluice.delivery.lead_time')).filter((p) => p.attributes['cicd.pipeline.name'] === 'trio');
      expect(leadTimes[0]?.count).toBe(3);
      expect(sampler.colorHistory()).toEqual(['blue', 'green', 'blue']);
      const served = sampler.whileServed();
      expect(served.length).toBeGreaterThan(10);
      expect(Math.min(...served.map((s) => s.ready))).toBeGreaterThan(0);
    } finally {
      sampler.stop();
    }
  });

  it('a commit that never becomes ready fails with ReadinessFailed and traffic never moves', async () => {
    const before = await service('trio-production');
    const sampler = new TrafficSampler(h.client, h.namespace, 'trio-production');
    await sampler.synced();
    try {
      await deliver('trio', 'trio-stuck', sha('never-ready', 1));
      const failed = await waitForPhase(h.client, h.namespace, 'trio-stuck', ['Live', 'Failed', 'RolledBack']);
      expect(failed.status).toMatchObject({ phase: 'Failed', reason: 'ReadinessFailed' });
      expect(failed.status.stages.find((s) => s.name === 'deploy')).toMatchObject({ state: 'failed', reason: 'ReadinessFailed' });
      const { deploy, steps } = await deploySpans('trio-stuck');
      expect(deploy).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'ReadinessFailed' }) });
      expect(steps.map((s) => [s.name, s.status])).toEqual([['rollout.wait', 'error']]);
      const after = await service('trio-production');
      expect(after?.spec?.selector).toEqual(before?.spec?.selector);
      expect(after?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 3));
      expect(new Set(sampler.whileServed().map((s) => s.color))).toEqual(new Set([before?.spec?.selector?.['color']]));
      expect(Math.min(...sampler.whileServed().map((s) => s.ready))).toBeGreaterThan(0);
      // The failed color is scaled down after the (short, in tests) inspection delay.
      await waitForObject(h.client, resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: h.namespace }), (d) =>
        d.metadata.name === 'trio-production-green' && (d['spec'] as { replicas?: number }).replicas === 0,
      );
    } finally {
      sampler.stop();
    }
  });

  it('a commit that turns unhealthy after the switch is rolled back, remembered, and refused on redelivery', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'flaky', targetNamespace: h.namespace, bakeSeconds: 8 }));
    await deliver('flaky', 'flaky-good', sha('good', 10));
    expect((await waitForPhase(h.client, h.namespace, 'flaky-good', ['Live', 'Failed', 'RolledBack'])).status.phase).toBe('Live');

    const bad = sha('breaks', 1);
    await deliver('flaky', 'flaky-bad', bad);
    // Break the new pods as soon as traffic is on them.
    await waitForObject(h.client, servicesPath(), (s) => s.metadata.name === 'flaky-production' && s.metadata.annotations?.[ANNOTATIONS.revision] === bad);
    const newPods = (await pods()).filter((p) => p.metadata.labels?.['sluice.dev/revision'] === bad && p.status?.podIP);
    expect(newPods.length).toBe(2);
    await fetch(`http://${newPods[0]?.status?.podIP}:8080/break`);

    const rolledBack = await waitForPhase(h.client, h.namespace, 'flaky-bad', ['Live', 'Failed', 'RolledBack']);
    expect(rolledBack.status).toMatchObject({ phase: 'RolledBack', reason: 'PostPromotionUnhealthy' });
    const svc = await service('flaky-production');
    expect(svc?.spec?.selector?.['color']).toBe('blue');
    expect(svc?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 10));
    expect(svc?.metadata.annotations?.[ANNOTATIONS.rejected]).toContain(bad);
    const { deploy, steps } = await deploySpans('flaky-bad');
    expect(deploy).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'RolledBack' }) });
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['rollout.wait', 'unset'],
      ['switch', 'unset'],
      ['bake', 'error'],
      ['rollback', 'unset'],
    ]);
    const rollbacks = (await telemetry.metric('sluice.rollbacks')).filter((p) => p.attributes['cicd.pipeline.name'] === 'flaky');
    expect(rollbacks).toEqual([expect.objectContaining({ value: 1, attributes: expect.objectContaining({ 'sluice.rollback.trigger': 'automatic' }) })]);

    // The same commit delivered again is refused without touching the cluster.
    await deliver('flaky', 'flaky-bad-again', bad);
    const refused = await waitForPhase(h.client, h.namespace, 'flaky-bad-again', ['Live', 'Failed', 'RolledBack']);
    expect(refused.status).toMatchObject({ phase: 'Failed', reason: 'PostPromotionUnhealthy' });
    expect(refused.status.message).toMatch(/rolled back .* before/);
    expect((await service('flaky-production'))?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 10));

    // A newer commit is deployed normally.
    await deliver('flaky', 'flaky-fixed', sha('good', 11));
    expect((await waitForPhase(h.client, h.namespace, 'flaky-fixed', ['Live', 'Failed', 'RolledBack'])).status.phase).toBe('Live');
  });

  it('staging gate: production starts only after staging is verified', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'gated', targetNamespace: h.namespace, staging: true }));
    const commit = sha('good', 20);
    await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'gated', name: 'gated-1', commit, environments: ['staging', 'production'] });
    const live = await waitForPhase(h.client, h.namespace, 'gated-1', ['Live', 'Failed', 'RolledBack']);
    expect(live.status.phase).toBe('Live');
    const staging = live.status.stages.find((s) => s.environment === 'staging');
    const production = live.status.stages.find((s) => s.environment === 'production');
    expect(staging?.state).toBe('succeeded');
    expect(production?.state).toBe('succeeded');
    expect(Date.parse(production?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(staging?.finishedAt ?? ''));
    // Verified means baked: staging's stage lasted at least its bake time.
    expect(Date.parse(staging?.finishedAt ?? '') - Date.parse(staging?.startedAt ?? '')).toBeGreaterThanOrEqual(2_000);
    expect((await service('gated-staging'))?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(commit);
    expect((await service('gated-production'))?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(commit);
  });

  it('two deliveries racing: the newer push wins and the older is never promoted over it', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'race', targetNamespace: h.namespace }));
    const older = new Date(Date.now() - 60_000).toISOString();
    await deliver('race', 'race-new', sha('good', 31));
    await deliver('race', 'race-old', sha('good', 30), older);
    const newer = await waitForPhase(h.client, h.namespace, 'race-new', ['Live', 'Failed', 'RolledBack', 'Superseded']);
    const old = await waitForPhase(h.client, h.namespace, 'race-old', ['Live', 'Failed', 'RolledBack', 'Superseded']);
    expect(newer.status.phase).toBe('Live');
    expect(old.status).toMatchObject({ phase: 'Superseded', reason: 'Superseded' });
    expect((await service('race-production'))?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 31));
  });

  it('a newer push while the older one bakes: the older finishes its bake (or its rollback), the newer waits for the environment', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'safe', targetNamespace: h.namespace, bakeSeconds: 5 }));
    // What the gateway does on a newer push (the same libs/delivery decision, in one conditional status write).
    const supersedeAsGatewayWould = (name: string, by: string) =>
      h.client.updateStatus({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: h.namespace, name }, (d) => {
        const status = DeliveryStatusSchema.parse(d['status'] ?? {});
        return endEarly(status, { phase: 'Superseded', message: `superseded by ${by}`, supersededBy: by, now: new Date() })?.status;
      });
    const switchedTo = (revision: string) =>
      waitForObject(h.client, servicesPath(), (s) => s.metadata.name === 'safe-production' && s.metadata.annotations?.[ANNOTATIONS.revision] === revision);

    // A healthy revision is switched, then a newer push arrives during its bake.
    const first = sha('good', 40);
    await deliver('safe', 'safe-1', first, new Date(Date.now() - 1_000).toISOString());
    await switchedTo(first);
    await supersedeAsGatewayWould('safe-1', 'safe-2');
    await deliver('safe', 'safe-2', sha('good', 41));
    const one = await waitForPhase(h.client, h.namespace, 'safe-1', ['Live', 'Failed', 'RolledBack', 'Superseded']);
    expect(one.status).toMatchObject({ phase: 'Live', endRequested: { phase: 'Superseded', supersededBy: 'safe-2' } });
    const two = await waitForPhase(h.client, h.namespace, 'safe-2', ['Live', 'Failed', 'RolledBack', 'Superseded']);
    expect(two.status.phase).toBe('Live');
    const deployOf = (d: typeof one) => d.status.stages.find((s) => s.name === 'deploy');
    expect(Date.parse(deployOf(two)?.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(deployOf(one)?.finishedAt ?? ''));

    // An unhealthy revision is switched, a newer push arrives, and the older still rolls back before the newer goes.
    const bad = sha('breaks', 42);
    await deliver('safe', 'safe-3', bad, new Date(Date.now() - 1_000).toISOString());
    await switchedTo(bad);
    await supersedeAsGatewayWould('safe-3', 'safe-4');
    await deliver('safe', 'safe-4', sha('good', 43));
    const broken = (await pods()).filter((p) => p.metadata.labels?.['sluice.dev/revision'] === bad && p.status?.podIP);
    await fetch(`http://${broken[0]?.status?.podIP}:8080/break`);
    const three = await waitForPhase(h.client, h.namespace, 'safe-3', ['Live', 'Failed', 'RolledBack', 'Superseded']);
    expect(three.status).toMatchObject({ phase: 'RolledBack', reason: 'PostPromotionUnhealthy' });
    const four = await waitForPhase(h.client, h.namespace, 'safe-4', ['Live', 'Failed', 'RolledBack', 'Superseded']);
    expect(four.status.phase).toBe('Live');
    const svc = await service('safe-production');
    expect(svc?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 43));
    expect(svc?.metadata.annotations?.[ANNOTATIONS.rejected]).toContain(bad);
  });

  it('manual rollback: the Application annotation switches traffic back to the previous color at once, and is consumed', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'manual', targetNamespace: h.namespace, scaleDownDelaySeconds: 120 }));
    for (const [i, name] of ['manual-1', 'manual-2'].entries()) {
      await deliver('manual', name, sha('good', 40 + i));
      expect((await waitForPhase(h.client, h.namespace, name, ['Live', 'Failed', 'RolledBack'])).status.phase).toBe('Live');
    }
    expect((await service('manual-production'))?.spec?.selector?.['color']).toBe('green');
    await h.client.mergePatch({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Application', namespace: h.namespace, name: 'manual' }, { metadata: { annotations: { [ANNOTATIONS.action]: 'rollback' } } });
    const back = await waitForObject<KubeObject & ServiceObject>(h.client, servicesPath(), (s) => s.metadata.name === 'manual-production' && s.spec?.selector?.['color'] === 'blue');
    expect(back.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 40));
    expect(readyBehind(await pods(), back.spec?.selector ?? {}).length).toBe(2);
    await waitForObject(h.client, resourcePath({ apiVersion: 'sluice.dev/v1alpha1', plural: 'applications', namespace: h.namespace }), (a) =>
      a.metadata.name === 'manual' && a.metadata.annotations?.[ANNOTATIONS.action] === undefined,
    );
  });
});
