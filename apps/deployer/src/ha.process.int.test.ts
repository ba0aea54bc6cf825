import { fileURLToPath } from 'node:url';
import { resourcePath } from '@sluice/kube';
import { waitForLeaseHolder } from '@sluice/kube/testing';
import { freePort, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { ANNOTATIONS } from '@sluice/delivery';
import { applicationObject, createHandedOffDelivery, sha, waitForObject, waitForPhase } from './testing/deployer.testkit.js';
import { openHarness, type Harness } from './testing/harness.testkit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const LEASE_DURATION_MS = 4_000;
let h: Harness;
const replicas = new Map<string, ServiceProcess>();

beforeAll(async () => {
  h = await openHarness(inject('kubeconfig'), 'deployer-ha', { start: false });
});
afterAll(async () => {
  for (const p of replicas.values()) p.kill();
  await h?.close();
});

/** One replica, as a pod of the Deployment would run it: its own pod name, a short leader Lease. */
/** The running replica named `pod`. */
function replica(pod: string): ServiceProcess {
  const found = replicas.get(pod);
  if (!found) throw new Error(`no replica ${pod}`);
  return found;
}

async function startReplica(pod: string): Promise<void> {
  const process = await startServiceProcess({
    entry,
    env: {
      KUBECONFIG: inject('kubeconfig'),
      SLUICE_PORT: String(await freePort()),
      SLUICE_HOST: '127.0.0.1',
      SLUICE_NAMESPACE: h.namespace,
      SLUICE_TARGET_NAMESPACES: h.namespace,
      POD_NAME: pod,
      SLUICE_DEPLOYER_IDENTITY: pod,
      SLUICE_LEASE_DURATION: '3s',
      SLUICE_LEADER_LEASE_DURATION: `${LEASE_DURATION_MS}ms`,
      SLUICE_LEADER_RENEW_DEADLINE: '3s',
      SLUICE_LEADER_RETRY_PERIOD: '1s',
      SLUICE_MIN_READY_SECONDS: '1',
      SLUICE_FAILED_SCALE_DOWN_DELAY: '2s',
    },
  });
  replicas.set(pod, process);
}

const stagesOf = (d: { status: { stages: readonly { name: string; environment?: string; state: string }[] } }) =>
  d.status.stages.map((s) => `${s.name}${s.environment ? `:${s.environment}` : ''}=${s.state}`);

describe('deployer, two replicas', () => {
  it('SIGKILL of the active replica mid-rollout: the standby leads within lease duration + 2 s and the delivery ends as it would have', async () => {
    await h.client.create(applicationObject({ namespace: h.namespace, name: 'ha', targetNamespace: h.namespace, bakeSeconds: 3 }));
    await Promise.all([startReplica('deployer-a'), startReplica('deployer-b')]);
    const { holder: active } = await waitForLeaseHolder(h.client, { namespace: h.namespace, service: 'deployer' }, () => true);
    const standby = active === 'deployer-a' ? 'deployer-b' : 'deployer-a';
    // Both are Ready (a rolling update proceeds; the leader once its caches synced); each says which role it has.
    for (const [pod, role] of [[active, 'leader'], [standby, 'standby']] as const) {
      await vi.waitFor(async () => expect((await replica(pod).get('/readyz')).status).toBe(200), { timeout: 20_000, interval: 100 });
      expect(await (await replica(pod).get('/leaderz')).json()).toMatchObject({ role });
    }

    // Undisturbed, for comparison.
    await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'ha', name: 'ha-1', commit: sha('good', 1), environments: ['production'] });
    const undisturbed = await waitForPhase(h.client, h.namespace, 'ha-1', ['Live', 'Failed', 'RolledBack']);
    expect(undisturbed.status.phase).toBe('Live');

    const commit = sha('good', 2);
    await createHandedOffDelivery(h.client, { namespace: h.namespace, application: 'ha', name: 'ha-2', commit, environments: ['production'] });
    // Mid-rollout: the idle color is rendered, traffic not yet switched.
    await waitForObject(h.client, resourcePath({ apiVersion: 'apps/v1', plural: 'deployments', namespace: h.namespace }), (d) =>
      d.metadata.name === 'ha-production-green' && d.metadata.annotations?.[ANNOTATIONS.revision] === commit,
    );
    const killedAt = Date.now();
    replica(active).kill();
    const { seenAtMs } = await waitForLeaseHolder(h.client, { namespace: h.namespace, service: 'deployer' }, (holder) => holder === standby, 20_000);
    console.info(`deployer: standby leads ${seenAtMs - killedAt} ms after the SIGKILL (bound: ${LEASE_DURATION_MS + 2_000} ms)`);
    expect(seenAtMs - killedAt).toBeLessThanOrEqual(LEASE_DURATION_MS + 2_000);

    const finished = await waitForPhase(h.client, h.namespace, 'ha-2', ['Live', 'Failed', 'RolledBack']);
    expect(finished.status.phase).toBe('Live');
    expect(stagesOf(finished)).toEqual(stagesOf(undisturbed));
    expect(await (await replica(standby).get('/leaderz')).json()).toMatchObject({ role: 'leader', synced: true });
    // On SIGTERM the new leader exits 0, releasing its Lease.
    const exit = await replica(standby).stop('SIGTERM');
    expect(exit.code).toBe(0);
    const lease = await h.client.get<{ apiVersion: string; kind: string; metadata: { name: string }; spec?: { holderIdentity?: string } }>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: h.namespace,
      name: 'sluice-deployer-leader',
    });
    expect(lease?.spec?.holderIdentity ?? '').toBe('');
  }, 180_000);
});
