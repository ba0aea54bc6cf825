import { fileURLToPath } from 'node:url';
import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { freePort, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startArtifactRegistry, type ArtifactRegistry } from './testing/artifact-registry.js';
import { startGitServer, type GitServer } from './testing/git-server.js';
import {
  SAMPLE_COMMITS,
  adminClient,
  createNamespace,
  createRunnerSecrets,
  createSoon,
  deliveriesPath,
  installCrds,
  jobsPath,
  sampleApplication,
  sampleDelivery,
  waitFor,
} from './testing/runner.testkit.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
type D = KubeObject & Delivery;

/** The runner as a real process (`main.ts`), killed with SIGKILL mid-Job and started again. */
describe('test-runner process on the local control plane', () => {
  let client: KubeClient;
  let git: GitServer;
  let registry: ArtifactRegistry;
  let ns: string;
  let testNs: string;
  let repo: { url: string; shas: string[] };
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    client = adminClient();
    await installCrds(client);
    [git, registry, ns, testNs] = await Promise.all([startGitServer(), startArtifactRegistry(), createNamespace(client, 'sluice'), createNamespace(client, 'sluice-test')]);
    repo = git.createRepository('sample', [SAMPLE_COMMITS.passing, SAMPLE_COMMITS.slowPass]);
    await createRunnerSecrets(client, testNs);
    await createSoon(client, sampleApplication(ns, 'sample', repo.url));
  });

  afterAll(async () => {
    processes.forEach((p) => p.kill());
    await Promise.all([git?.close(), registry?.close()]);
    if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
    if (testNs) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: testNs });
  });

  async function startRunner(): Promise<ServiceProcess> {
    const service = await startServiceProcess({
      entry,
      env: {
        SLUICE_PORT: String(await freePort()),
        SLUICE_HOST: '127.0.0.1',
        KUBECONFIG: inject('kubeconfig'),
        SLUICE_NAMESPACE: ns,
        SLUICE_TEST_NAMESPACE: testNs,
        SLUICE_GIT_CREDENTIALS_SECRET: 'git',
        SLUICE_REGISTRY_CREDENTIALS_SECRET: 'registry',
        SLUICE_BUILD_MODE: 'archive',
        SLUICE_ARTIFACT_REGISTRY_URL: registry.url,
        SLUICE_JOB_BACKOFF_LIMIT: '0',
      },
    });
    processes.push(service);
    return service;
  }

  async function ready(service: ServiceProcess): Promise<number> {
    // The probe answers 503 until the informers have synced; a handful of probes, like a kubelet's.
    for (let i = 0; i < 50; i++) {
      const status = (await service.get('/readyz')).status;
      if (status === 200) return status;
      await new Promise((r) => setTimeout(r, 200));
    }
    return 503;
  }

  it('is ready once synced and exits 0 on SIGTERM', async () => {
    const service = await startRunner();
    expect((await service.get('/healthz')).status).toBe(200);
    expect(await ready(service)).toBe(200);
    const exit = await service.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(service.logs.map((line) => line['msg'])).toContain('stopped');
  });

  it('killed with SIGKILL mid-Job and restarted: one Job, and the Delivery still finishes correctly', async () => {
    const first = await startRunner();
    await ready(first);
    const d = sampleDelivery(ns, 'sample', { repositoryUrl: repo.url, sha: repo.shas[1] as string, ref: 'main' });
    await createSoon(client, d);
    const name = d.metadata.name as string;
    const jobName = `${name}-test`;
    const job = await waitFor(client, jobsPath(testNs), (j) => j.metadata.name === jobName);
    await waitFor(client, `/api/v1/namespaces/${testNs}/pods`, (p) => p.metadata.labels?.['job-name'] === jobName && (p as { status?: { phase?: string } }).status?.phase === 'Running');
    first.kill();

    const second = await startRunner();
    const done = await waitFor<D>(client, deliveriesPath(ns), (x) => x.metadata.name === name && (x.status?.stages.find((s) => s.name === 'build')?.state === 'succeeded' || x.status?.phase === 'Failed'), 80_000);
    const jobs = await client.list<KubeObject>({ apiVersion: 'batch/v1', kind: 'Job', namespace: testNs }, { labelSelector: `sluice.dev/delivery=${name}` });
    expect(jobs.items.map((j) => j.metadata.name).sort()).toEqual([`${name}-build`, jobName]);
    // The test Job that ran across the crash is the one the first runner made.
    expect(jobs.items.find((j) => j.metadata.name === jobName)?.metadata.uid).toBe(job.metadata.uid);
    expect(done.status?.stages.find((s) => s.name === 'test')).toMatchObject({ state: 'succeeded', testSummary: { total: 1, passed: 1 } });
    expect(done.status?.phase).toBe('Building');
    expect(registry.get('registry.local/team/sample', repo.shas[1] as string)).toBeDefined();
    second.kill();
  });
});
