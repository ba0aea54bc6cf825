import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../testing/git-server.testkit.js';
import { adminClient, createNamespace, createRunnerSecrets, createSoon, deliveriesPath, installCrds, jobsPath, sampleApplication, sampleDelivery, waitFor, runnerSettings } from '../testing/runner.testkit.js';
import { TestRunnerController } from './controller.js';

type D = KubeObject & Delivery;
type Job = KubeObject & { metadata: { labels?: Record<string, string> } };

/** A commit whose tests take `seconds`: long enough that a flood of them holds the slots. */
const slowCommit = (label: string, seconds: number) => ({ 'install.sh': `echo "installing ${label}"\n`, 'test.sh': `echo "running ${label}"\nsleep ${seconds}\n` });

describe('fair test scheduling on the local control plane', () => {
  let client: KubeClient;
  let git: GitServer;
  let controller: TestRunnerController;
  let ns: string;
  let testNs: string;
  let repo: { url: string; shas: string[] };

  beforeAll(async () => {
    client = adminClient();
    await installCrds(client);
    [git, ns, testNs] = await Promise.all([startGitServer(), createNamespace(client, 'sluice'), createNamespace(client, 'sluice-test')]);
    // Four slow commits for project A, one quick one for project B; all on main.
    repo = await git.createRepository('shared', [slowCommit('a0', 6), slowCommit('a1', 6), slowCommit('a2', 6), slowCommit('a3', 6), slowCommit('b0', 0)]);
    await createRunnerSecrets(client, testNs);
    const testOnly = { rules: [{ refs: '**', environments: [] }] };
    await createSoon(client, sampleApplication(ns, 'alpha', repo.url, { ...testOnly, project: { id: 101, path: 'team-a/alpha' } }));
    await createSoon(client, sampleApplication(ns, 'beta', repo.url, { ...testOnly, project: { id: 202, path: 'team-b/beta' } }));
    const settings = runnerSettings({ namespace: ns, testNamespace: testNs, gitUrl: git.baseUrl, maxConcurrentJobs: 2, maxConcurrentJobsPerProject: 1 });
    controller = new TestRunnerController({ client, settings, logger: createLogger({ service: 'test-runner', level: 'warn' }) });
  });

  afterAll(async () => {
    await controller?.stop();
    await git?.close();
    if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
    if (testNs) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: testNs });
  });

  const until = (name: string, predicate: (d: D) => boolean, timeoutMs = 120_000) =>
    waitFor<D>(client, deliveriesPath(ns), (d) => d.metadata.name === name && predicate(d), timeoutMs);

  it("gives project B's single push a test Job at once while project A's earlier flood waits for A's own share", async () => {
    // A floods the queue first (older pushes), then B pushes once; the runner starts with all of them waiting.
    const base = Date.now() - 60_000;
    const pushes = [0, 1, 2, 3].map((i) =>
      sampleDelivery(ns, 'alpha', { repositoryUrl: repo.url, sha: repo.shas[i] as string, ref: 'main', projectId: 101, environments: [], receivedAt: new Date(base + i * 1000) }),
    );
    const b = sampleDelivery(ns, 'beta', { repositoryUrl: repo.url, sha: repo.shas[4] as string, ref: 'main', projectId: 202, environments: [], receivedAt: new Date(base + 10_000) });
    for (const d of pushes) d.spec.project = { id: 101, path: 'team-a/alpha' };
    b.spec.project = { id: 202, path: 'team-b/beta' };
    for (const d of [...pushes, b]) await createSoon(client, d);
    const [a0, a1, a2, a3] = pushes.map((d) => d.metadata.name as string) as [string, string, string, string];
    const bName = b.metadata.name as string;

    await controller.start();

    // B's Job exists while A holds exactly one slot: A's later pushes have no Job.
    const bJob = await waitFor<Job>(client, jobsPath(testNs), (j) => j.metadata.labels?.['sluice.dev/delivery'] === bName, 60_000);
    expect(bJob.metadata.name).toBe(`${bName}-test`);
    const jobsOfA = (await client.list<Job>({ apiVersion: 'batch/v1', kind: 'Job', namespace: testNs })).items
      .map((j) => j.metadata.labels?.['sluice.dev/delivery'])
      .filter((name) => [a0, a1, a2, a3].includes(name ?? ''));
    expect(jobsOfA).toEqual([a0]);

    // A waiting push says why it waits: its project's share, not the cluster's.
    const waiting = await until(a2, (d) => d.status?.stages.find((s) => s.name === 'test')?.message !== undefined, 30_000);
    expect(waiting.status?.phase).toBe('Pending');
    expect(waiting.status?.stages.find((s) => s.name === 'test')).toMatchObject({
      state: 'pending',
      message: expect.stringMatching(/^waiting for a test slot: (project team-a\/alpha has 1 of its 1 Jobs running|older pushes of project team-a\/alpha go first)$/),
    });

    // Nothing starves: every push passes, A's in push order, B long before A's last.
    const done = new Map<string, D>();
    for (const name of [bName, a0, a1, a2, a3]) done.set(name, await until(name, (d) => d.status?.phase === 'Passed' || d.status?.phase === 'Failed'));
    for (const d of done.values()) expect(d.status?.phase, d.metadata.name).toBe('Passed');
    const started = (name: string) => Date.parse(done.get(name)?.status?.stages.find((s) => s.name === 'test')?.startedAt ?? '');
    expect([a0, a1, a2, a3].map(started)).toEqual([...[a0, a1, a2, a3].map(started)].sort((x, y) => x - y));
    expect(started(bName)).toBeLessThan(started(a1));
    // The waiting message is gone once the test runs.
    expect(done.get(a2)?.status?.stages.find((s) => s.name === 'test')?.message).not.toMatch(/^waiting for a test slot/);
  }, 240_000);
});
