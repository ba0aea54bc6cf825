import type { Delivery } from '@sluice/delivery';
import { ANNOTATIONS } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from '../testing/git-server.testkit.js';
import { SAMPLE_COMMITS, adminClient, createNamespace, createRunnerSecrets, createSoon, deliveriesPath, installCrds, sampleApplication, sampleDelivery, waitFor, runnerSettings } from '../testing/runner.testkit.js';
import { TestRunnerController } from './controller.js';

type D = KubeObject & Delivery;
type WithVolumes = KubeObject & { spec?: { template?: { spec?: { volumes?: { secret?: { secretName?: string } }[] } }; volumes?: { secret?: { secretName?: string } }[] } };

describe('an Application naming a push Secret it does not own, on the local control plane', () => {
  let client: KubeClient;
  let git: GitServer;
  let controller: TestRunnerController;
  let ns: string;
  let buildNs: string;
  let repo: { url: string; shas: string[] };

  beforeAll(async () => {
    client = adminClient();
    await installCrds(client);
    [git, ns, buildNs] = await Promise.all([startGitServer(), createNamespace(client, 'sluice'), createNamespace(client, 'sluice-build')]);
    repo = await git.createRepository('shop', [SAMPLE_COMMITS.passing]);
    await createRunnerSecrets(client, buildNs);
    // Team B's push credential, scoped to team B's repository.
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bank-push', namespace: buildNs, annotations: { [ANNOTATIONS.repository]: 'registry.local/team-b/bank' } },
      stringData: { username: 'team-b', password: 'team-b-registry-password' },
    } as KubeObject);
    // Team A's Application names it to push its own image with team B's credential.
    await createSoon(client, sampleApplication(ns, 'shop', repo.url, { project: { id: 7, path: 'team-a/shop' }, build: { repository: 'registry.local/team-a/shop', pushSecretName: 'bank-push' } }));
    await createSoon(client, sampleApplication(ns, 'ghost', repo.url, { project: { id: 8, path: 'team-a/ghost' }, build: { repository: 'registry.local/team-a/ghost', pushSecretName: 'no-such-secret' } }));
    // One namespace for tests and builds, so "mounted nowhere" covers both.
    const settings = runnerSettings({ namespace: ns, testNamespace: buildNs, gitUrl: git.baseUrl, maxConcurrentJobsPerProject: 2 });
    controller = new TestRunnerController({ client, settings, logger: createLogger({ service: 'test-runner', level: 'warn' }) });
    await controller.start();
  });

  afterAll(async () => {
    await controller?.stop();
    await git?.close();
    if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
    if (buildNs) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: buildNs });
  });

  async function deliverAndFinish(application: string, projectId: number): Promise<D> {
    const d = sampleDelivery(ns, application, { repositoryUrl: repo.url, sha: repo.shas[0] as string, ref: 'main', projectId });
    await createSoon(client, d);
    // Failed, or (were the Secret accepted) a build that ran: either way the runner's part is decided.
    const ended = (x: D) => x.status?.phase === 'Failed' || x.status?.phase === 'Passed' || x.status?.stages.find((s) => s.name === 'build')?.state === 'succeeded';
    return waitFor<D>(client, deliveriesPath(ns), (x) => x.metadata.name === d.metadata.name && ended(x), 90_000);
  }

  async function secretsMounted(): Promise<string[]> {
    const [jobs, pods] = await Promise.all([
      client.list<WithVolumes>({ apiVersion: 'batch/v1', kind: 'Job', namespace: buildNs }),
      client.list<WithVolumes>({ apiVersion: 'v1', kind: 'Pod', namespace: buildNs }),
    ]);
    const volumes = [...jobs.items.flatMap((j) => j.spec?.template?.spec?.volumes ?? []), ...pods.items.flatMap((p) => p.spec?.volumes ?? [])];
    return volumes.map((v) => v.secret?.secretName).filter((name): name is string => name !== undefined);
  }

  it('fails the build stage NotOwned, naming the Secret and both repositories; no build Job, the Secret mounted nowhere', async () => {
    const done = await deliverAndFinish('shop', 7);
    const name = done.metadata.name;
    expect(done.status).toMatchObject({ phase: 'Failed', reason: 'NotOwned' });
    expect(done.status?.image).toBeUndefined();
    expect(done.status?.stages.find((s) => s.name === 'test')?.state).toBe('succeeded');
    const build = done.status?.stages.find((s) => s.name === 'build');
    expect(build).toMatchObject({ state: 'failed', reason: 'NotOwned' });
    expect(build?.message).toBe(`push Secret ${buildNs}/bank-push is for repository registry.local/team-b/bank, but Application shop builds registry.local/team-a/shop`);
    expect(done.status?.stages.filter((s) => s.name === 'deploy').map((s) => s.state)).toEqual(['skipped']);
    expect(await client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: buildNs, name: `${name}-build` })).toBeUndefined();
    expect(await secretsMounted()).not.toContain('bank-push');
    // The credential itself never reaches the Delivery.
    expect(JSON.stringify(done)).not.toContain('team-b-registry-password');
  });

  it('fails NotOwned the same way when the named Secret does not exist', async () => {
    const done = await deliverAndFinish('ghost', 8);
    expect(done.status).toMatchObject({ phase: 'Failed', reason: 'NotOwned' });
    expect(done.status?.stages.find((s) => s.name === 'build')?.message).toBe(
      `push Secret ${buildNs}/no-such-secret does not exist, so it is for no repository; Application ghost builds registry.local/team-a/ghost`,
    );
    expect(await client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: buildNs, name: `${done.metadata.name}-build` })).toBeUndefined();
  });
});
