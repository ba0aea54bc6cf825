import { fileURLToPath } from 'node:url';
import type { KubeClient } from '@sluice/kube';
import { waitForLeaseHolder } from '@sluice/kube/testing';
import { freePort, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startArtifactRegistry, type ArtifactRegistry } from './testing/artifact-registry.testkit.js';
import { startGitServer, type GitServer } from './testing/git-server.testkit.js';
import { deliveryMidJob, expectFinishedAsUndisturbed, runnerProcessEnv } from './testing/process.testkit.js';
import { SAMPLE_COMMITS, adminClient, createNamespace, createRunnerSecrets, createSoon, installCrds, sampleApplication, sampleDelivery } from './testing/runner.testkit.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const LEASE_DURATION_MS = 4_000;

/** Two runner replicas as real processes (`main.ts`); the active one is killed with SIGKILL mid-Job. */
describe('test-runner, two replicas', () => {
  let client: KubeClient;
  let git: GitServer;
  let registry: ArtifactRegistry;
  let ns: string;
  let testNs: string;
  let repo: { url: string; shas: string[] };
  const replicas = new Map<string, ServiceProcess>();

  beforeAll(async () => {
    client = adminClient();
    await installCrds(client);
    [git, registry, ns, testNs] = await Promise.all([startGitServer(), startArtifactRegistry(), createNamespace(client, 'sluice-ha'), createNamespace(client, 'sluice-test-ha')]);
    repo = await git.createRepository('sample', [SAMPLE_COMMITS.passing, SAMPLE_COMMITS.slowPass]);
    await createRunnerSecrets(client, testNs);
    await createSoon(client, sampleApplication(ns, 'sample', repo.url));
  });

  afterAll(async () => {
    replicas.forEach((p) => p.kill());
    await Promise.all([git?.close(), registry?.close()]);
    if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
    if (testNs) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: testNs });
  });

  /** The running replica named `pod`. */
  function replica(pod: string): ServiceProcess {
    const found = replicas.get(pod);
    if (!found) throw new Error(`no replica ${pod}`);
    return found;
  }

  async function startReplica(pod: string): Promise<void> {
    const service = await startServiceProcess({
      entry,
      env: {
        ...runnerProcessEnv({ port: await freePort(), kubeconfig: inject('kubeconfig'), namespace: ns, testNamespace: testNs, registry, gitUrl: git.baseUrl }),
        POD_NAME: pod,
        SLUICE_LEADER_LEASE_DURATION: `${LEASE_DURATION_MS}ms`,
        SLUICE_LEADER_RENEW_DEADLINE: '3s',
        SLUICE_LEADER_RETRY_PERIOD: '1s',
      },
    });
    replicas.set(pod, service);
  }

  it('SIGKILL of the active replica mid-Job: the standby leads within lease duration + 2 s; one Job, and the Delivery finishes as it would have', async () => {
    await Promise.all(['test-runner-a', 'test-runner-b'].map((pod) => startReplica(pod)));
    const { holder: active } = await waitForLeaseHolder(client, { namespace: ns, service: 'test-runner' }, () => true);
    const standby = active === 'test-runner-a' ? 'test-runner-b' : 'test-runner-a';
    expect((await replica(standby).get('/readyz')).status).toBe(200);
    expect(await (await replica(standby).get('/leaderz')).json()).toMatchObject({ role: 'standby', synced: false });

    const d = sampleDelivery(ns, 'sample', { repositoryUrl: repo.url, sha: repo.shas[1] as string, ref: 'main' });
    const { name, job } = await deliveryMidJob(client, ns, testNs, d);
    const killedAt = Date.now();
    replica(active).kill();
    const { seenAtMs } = await waitForLeaseHolder(client, { namespace: ns, service: 'test-runner' }, (holder) => holder === standby, 20_000);
    console.info(`test-runner: standby leads ${seenAtMs - killedAt} ms after the SIGKILL (bound: ${LEASE_DURATION_MS + 2_000} ms)`);
    expect(seenAtMs - killedAt).toBeLessThanOrEqual(LEASE_DURATION_MS + 2_000);

    await expectFinishedAsUndisturbed(client, { namespace: ns, testNamespace: testNs, name, job, registry, sha: repo.shas[1] as string });
    expect((await replica(standby).stop('SIGTERM')).code).toBe(0);
  }, 150_000);
});
