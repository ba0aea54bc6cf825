import { ANNOTATIONS } from '@sluice/delivery';
import { fileURLToPath } from 'node:url';
import { resourcePath, type KubeObject } from '@sluice/kube';
import { freePort, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServiceObject } from './decide/facts.js';
import { applicationObject, createHandedOffDelivery, sha, waitForObject, waitForPhase } from './testing/deployer.testkit.js';
import { openHarness, type Harness } from './testing/harness.testkit.js';
import { TrafficSampler } from './testing/traffic.testkit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
let h: Harness;
let running: ServiceProcess | undefined;

beforeAll(async () => {
  h = await openHarness(inject('kubeconfig'), 'deployer-crash', { start: false });
});
afterAll(async () => {
  running?.kill();
  await h?.close();
});

async function startDeployerProcess(): Promise<ServiceProcess> {
  running = await startServiceProcess({
    entry,
    env: {
      KUBECONFIG: inject('kubeconfig'),
      SLUICE_PORT: String(await freePort()),
      SLUICE_HOST: '127.0.0.1',
      SLUICE_NAMESPACE: h.namespace,
      SLUICE_TARGET_NAMESPACES: h.namespace,
      // The same identity after a restart, as a restarted pod keeps its name: the Lease is ours at once.
      SLUICE_DEPLOYER_IDENTITY: 'deployer-0',
      POD_NAME: 'deployer-0',
      SLUICE_MIN_READY_SECONDS: '1',
      SLUICE_FAILED_SCALE_DOWN_DELAY: '2s',
    },
  });
  return running;
}

describe('deployer process', () => {
  it('killed with SIGKILL before the switch, during bake and during a rollback, a restarted deployer finishes each correctly', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'crashy', targetNamespace: h.namespace, bakeSeconds: 4 }));
    let deployer = await startDeployerProcess();
    await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'crashy', name: 'crashy-1', commit: sha('good', 1), environments: ['production'] });
    expect((await waitForPhase(h.client, h.namespace, 'crashy-1', ['Live', 'Failed', 'RolledBack'])).status.phase).toBe('Live');
    expect((await deployer.get('/readyz')).status).toBe(200);

    const sampler = new TrafficSampler(h.client, h.namespace, 'crashy-production');
    await sampler.synced();
    try {
      const commit = sha('good', 2);
      await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'crashy', name: 'crashy-2', commit, environments: ['production'] });
      // Kill 1: the idle color is rendered, traffic not yet switched.
      await waitForObject(h.client, resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: h.namespace }), (d) =>
        d.metadata.name === 'crashy-production-green' && d.metadata.annotations?.[ANNOTATIONS.revision] === commit,
      );
      deployer.kill();
      deployer = await startDeployerProcess();
      // Kill 2: traffic switched, bake running.
      await waitForObject<KubeObject & ServiceObject>(h.client, resourcePath({ apiVersion: 'v1', plural: 'services', namespace: h.namespace }), (s) =>
        s.metadata.name === 'crashy-production' && s.metadata.annotations?.[ANNOTATIONS.revision] === commit,
      );
      const bakeStarted = Date.now();
      deployer.kill();
      deployer = await startDeployerProcess();

      const live = await waitForPhase(h.client, h.namespace, 'crashy-2', ['Live', 'Failed', 'RolledBack']);
      expect(live.status.phase).toBe('Live');
      expect(Date.now() - bakeStarted).toBeGreaterThanOrEqual(3_000);
      expect(sampler.colorHistory()).toEqual(['blue', 'green']);
      expect(Math.min(...sampler.whileServed().map((s) => s.ready))).toBeGreaterThan(0);
      // The old color is scaled down after the scale-down delay, by whichever process holds the environment.
      await waitForObject(h.client, resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: h.namespace }), (d) =>
        d.metadata.name === 'crashy-production-blue' && (d['spec'] as { replicas?: number }).replicas === 0,
      );
    } finally {
      sampler.stop();
    }

    // Kill 3: during a rollback (right after the switch back is visible; the status may or may not be written yet).
    const bad = sha('breaks', 3);
    await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'crashy', name: 'crashy-3', commit: bad, environments: ['production'] });
    const services = resourcePath({ apiVersion: 'v1', plural: 'services', namespace: h.namespace });
    await waitForObject(h.client, services, (s) => s.metadata.name === 'crashy-production' && s.metadata.annotations?.[ANNOTATIONS.revision] === bad);
    const badPods = (await h.client.list<KubeObject>({ apiVersion: 'v1', kind: 'Pod', namespace: h.namespace }, { labelSelector: `sluice.dev/revision=${bad}` })).items;
    for (const pod of badPods) await fetch(`http://${(pod['status'] as { podIP: string }).podIP}:8080/break`);
    await waitForObject(h.client, services, (s) => s.metadata.name === 'crashy-production' && s.metadata.annotations?.[ANNOTATIONS.rejected]?.includes(bad) === true);
    deployer.kill();
    deployer = await startDeployerProcess();
    const rolledBack = await waitForPhase(h.client, h.namespace, 'crashy-3', ['Live', 'Failed', 'RolledBack']);
    expect(rolledBack.status).toMatchObject({ phase: 'RolledBack', reason: 'PostPromotionUnhealthy' });
    const svc = await h.client.get<KubeObject & ServiceObject>({ apiVersion: 'v1', kind: 'Service', namespace: h.namespace, name: 'crashy-production' });
    expect(svc?.spec?.selector?.['color']).toBe('green');
    expect(svc?.metadata.annotations?.[ANNOTATIONS.revision]).toBe(sha('good', 2));
    // The failed color is scaled down after the (2 s) inspection delay, by the restarted process.
    await waitForObject(h.client, resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: h.namespace }), (d) =>
      d.metadata.name === 'crashy-production-blue' && (d['spec'] as { replicas?: number }).replicas === 0,
    );
    const exit = await deployer.stop('SIGTERM');
    expect(exit.code).toBe(0);
  });
});
