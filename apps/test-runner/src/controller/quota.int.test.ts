import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../testing/git-server.testkit.js';
import {
  SAMPLE_COMMITS,
  adminClient,
  createNamespace,
  createRunnerSecrets,
  createSoon,
  deliveriesPath,
  installCrds,
  sampleApplication,
  sampleDelivery,
  waitFor,
  runnerSettings,
} from '../testing/runner.testkit.js';
import { TestRunnerController } from './controller.js';

type D = KubeObject & Delivery;

/** A test namespace whose quota allows no pods: the Job exists, its pod is refused ("exceeded quota"). */
describe('test Jobs refused by a ResourceQuota', () => {
  let client: KubeClient;
  let git: GitServer;
  let ns: string;
  let testNs: string;
  let repo: { url: string; shas: string[] };
  const controllers: TestRunnerController[] = [];

  beforeAll(async () => {
    client = adminClient();
    await installCrds(client);
    [git, ns, testNs] = await Promise.all([startGitServer(), createNamespace(client, 'sluice'), createNamespace(client, 'sluice-test')]);
    repo = await git.createRepository('sample', [SAMPLE_COMMITS.passing]);
    await createRunnerSecrets(client, testNs);
    await client.create({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'no-pods', namespace: testNs }, spec: { hard: { pods: '0' } } } as KubeObject);
    // The quota admission needs the quota controller's first usage count before it refuses anything.
    await waitFor<KubeObject & { status?: { used?: Record<string, string> } }>(client, `/api/v1/namespaces/${testNs}/resourcequotas`, (q) => q.status?.used?.['pods'] !== undefined);
    await createSoon(client, sampleApplication(ns, 'sample', repo.url, { rules: [{ refs: '**', environments: [] }] }));
  });

  afterAll(async () => {
    controllers.forEach((c) => c.stop());
    await git?.close();
    if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
    if (testNs) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: testNs });
  });

  async function runner(quotaWaitMs: number): Promise<void> {
    const settings = runnerSettings({ namespace: ns, testNamespace: testNs, gitUrl: git.baseUrl, quotaWaitMs });
    const controller = new TestRunnerController({ client, settings, logger: createLogger({ service: 'test-runner', level: 'warn' }) });
    controllers.push(controller);
    await controller.start();
  }

  const until = (name: string, predicate: (d: D) => boolean) => waitFor<D>(client, deliveriesPath(ns), (d) => d.metadata.name === name && predicate(d), 85_000);
  const test = (d: D) => d.status?.stages.find((s) => s.name === 'test');

  it('waits while the quota is exhausted and proceeds once it is freed', async () => {
    await runner(60_000);
    git.createRef('sample', 'refs/heads/feature/freed', repo.shas[0] as string);
    const d = sampleDelivery(ns, 'sample', { repositoryUrl: repo.url, sha: repo.shas[0] as string, ref: 'feature/freed' });
    await createSoon(client, d);
    const name = d.metadata.name as string;
    const waiting = await until(name, (x) => test(x)?.message?.startsWith('waiting: pod refused by quota') === true);
    expect(waiting.status?.phase).toBe('Testing');
    await client.mergePatch({ apiVersion: 'v1', kind: 'ResourceQuota', namespace: testNs, name: 'no-pods' }, { spec: { hard: { pods: '10' } } });
    const done = await until(name, (x) => x.status?.phase === 'Passed' || x.status?.phase === 'Failed');
    expect(done.status?.phase).toBe('Passed');
    expect(test(done)).toMatchObject({ state: 'succeeded', testSummary: { total: 2, passed: 2 } });
    // Put the quota back for the next case.
    await client.mergePatch({ apiVersion: 'v1', kind: 'ResourceQuota', namespace: testNs, name: 'no-pods' }, { spec: { hard: { pods: '0' } } });
    controllers.pop()?.stop();
  });

  it('fails with QuotaExceeded after the configured wait, and deletes the blocked Job', async () => {
    await waitFor<KubeObject & { status?: { hard?: Record<string, string> } }>(client, `/api/v1/namespaces/${testNs}/resourcequotas`, (q) => q.status?.hard?.['pods'] === '0');
    await runner(3_000);
    const d = sampleDelivery(ns, 'sample', { repositoryUrl: repo.url, sha: repo.shas[0] as string, ref: 'feature/starved' });
    await createSoon(client, d);
    const name = d.metadata.name as string;
    const done = await until(name, (x) => x.status?.phase === 'Failed' || x.status?.phase === 'Passed');
    expect(done.status).toMatchObject({ phase: 'Failed', reason: 'QuotaExceeded' });
    expect(test(done)?.message).toMatch(/exceeded quota: no-pods.*\(waited \d+s\)/);
  });
});
