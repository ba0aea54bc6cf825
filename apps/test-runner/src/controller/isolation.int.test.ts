/**
 * Issue 19 on the real local control plane, the test runner's ways through:
 * a commit that is not on the pushed ref, a merge request tested from the
 * target project's own MR ref, secrets printed by tests, and a repository on
 * another host than the configured Git host. Each is refused (or redacted)
 * with its reason, and nothing else happens.
 */
import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArtifactRegistry, type ArtifactRegistry } from '../testing/artifact-registry.testkit.js';
import { GIT_PASSWORD, startGitServer, type GitServer } from '../testing/git-server.testkit.js';
import { SAMPLE_COMMITS, adminClient, createNamespace, createRunnerSecrets, createSoon, deliveriesPath, installCrds, jobsPath, sampleApplication, sampleDelivery, waitFor, watchUntilGone, runnerSettings } from '../testing/runner.testkit.js';
import { TestRunnerController } from './controller.js';

type D = KubeObject & Delivery;

/** A token and a key a careless test suite prints; neither may reach the Delivery. */
const GITLAB_TOKEN = 'glpat-Zq81Lm27Xv64Pw09Rt53';
const PRIVATE_KEY = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Ihg7ImnV3b+SnRJpbO1Z0oqMtqg',
  'x7K1sMiVdQnO4gFv5xSLW7x9sCzHcWoVwbHd0lZx4K9t0mPZNRhh1ZpnDsw0BaHg',
  '-----END RSA PRIVATE KEY-----',
].join('\n');

/** A Git host that asks for Basic auth and records each Authorization header it is sent (none expected). */
async function recordingGitHost(): Promise<{ url: string; seen: (string | undefined)[]; close: () => Promise<void> }> {
  const seen: (string | undefined)[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('test runner isolation on the local control plane', () => {
  let client: KubeClient;
  let git: GitServer;
  let registry: ArtifactRegistry;
  let elsewhere: Awaited<ReturnType<typeof recordingGitHost>>;
  let controller: TestRunnerController;
  let ns: string;
  let testNs: string;
  let repo: { url: string; shas: string[] };

  beforeAll(async () => {
    client = adminClient();
    await installCrds(client);
    [git, registry, elsewhere, ns, testNs] = await Promise.all([
      startGitServer(),
      startArtifactRegistry(),
      recordingGitHost(),
      createNamespace(client, 'sluice-iso'),
      createNamespace(client, 'sluice-test-iso'),
    ]);
    repo = await git.createRepository('sample', [SAMPLE_COMMITS.passing]);
    await createRunnerSecrets(client, testNs);
    await createSoon(client, sampleApplication(ns, 'sample', repo.url));
    // Another team's Application, pointing at a repository on a host that is not the configured Git host.
    // Its tests' deadline leaves room for the clone's retries (backoffLimit below), so the clone's failure is what ends it.
    await createSoon(
      client,
      sampleApplication(ns, 'elsewhere', `${elsewhere.url}/team/other.git`, {
        project: { id: 77, path: 'team/other' },
        test: { image: 'node:20-alpine', install: [], commands: ['sh test.sh'], timeoutSeconds: 150 },
      }),
    );
    const settings = runnerSettings({
      namespace: ns,
      testNamespace: testNs,
      gitUrl: git.baseUrl,
      artifactRegistryUrl: registry.url,
      // Clone failures are retried: a RefMismatch must not be.
      backoffLimit: 2,
      logTailLines: 40,
    });
    controller = new TestRunnerController({ client, settings, logger: createLogger({ service: 'test-runner', level: process.env['TEST_LOG_LEVEL'] === 'info' ? 'info' : 'warn' }) });
    await controller.start();
  });

  afterAll(async () => {
    controller?.stop();
    await Promise.all([git?.close(), registry?.close(), elsewhere?.close()]);
    if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
    if (testNs) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: testNs });
  });

  const finished = (name: string, timeoutMs = 80_000) =>
    waitFor<D>(client, deliveriesPath(ns), (d) => d.metadata.name === name && (d.status?.phase === 'Failed' || d.status?.phase === 'Passed'), timeoutMs);
  const stage = (d: D, name: 'test' | 'build') => d.status?.stages.find((s) => s.name === name);
  const jobOf = (name: string, kind: 'test' | 'build') => client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: testNs, name: `${name}-${kind}` });

  it('fails RefMismatch, at once and without a build Job, for a commit the repository has but not on the pushed branch', async () => {
    // The commit is real (another branch holds it), but the webhook claims it was pushed to main.
    const offMain = git.createCommit('sample', repo.shas[0] as string, { 'test.sh': 'echo "this commit was never on main"\n' });
    git.createRef('sample', 'refs/heads/feature/elsewhere', offMain);
    const d = sampleDelivery(ns, 'sample', { repositoryUrl: repo.url, sha: offMain, ref: 'main' });
    const name = d.metadata.name as string;
    // Every pod the test Job ever has: a retried clone would add one.
    const pods = new Set<string>();
    const watch = client.informer<KubeObject>({
      path: `/api/v1/namespaces/${testNs}/pods`,
      onEvent: (e) => {
        for (const pod of e.type === 'RESYNC' ? e.objects : [e.object]) if (pod.metadata.labels?.['job-name'] === `${name}-test`) pods.add(pod.metadata.name ?? '');
      },
    });
    try {
      await createSoon(client, d);
      const done = await finished(name);
      expect(done.status).toMatchObject({ phase: 'Failed', reason: 'RefMismatch' });
      expect(stage(done, 'test')).toMatchObject({ state: 'failed', reason: 'RefMismatch', exitCode: 3 });
      expect(stage(done, 'test')?.message).toContain(`commit ${offMain} is not in the history of refs/heads/main`);
      expect(stage(done, 'build')?.state).toBe('skipped');
      // Decided from the clone's exit code, final at once (the Job's podFailurePolicy fails it; backoffLimit is 2 here): one pod,
      // no retry, and the runner removes the Job that would otherwise still count against quotas.
      await watchUntilGone(client, jobsPath(testNs), `${name}-test`);
      expect(pods.size).toBe(1);
    } finally {
      watch.stop();
    }
    expect(await jobOf(name, 'build')).toBeUndefined();
  });

  it("tests a merge request from the Application's own refs/merge-requests/<iid>/head, not from the URL the webhook named", async () => {
    const mrCommit = git.createCommit('sample', repo.shas[0] as string, {
      'test.sh': ['echo "running tests of merge request 7"', `printf '<testsuite><testcase classname="mr" name="works"/></testsuite>' > report.xml`, ''].join('\n'),
    });
    // GitLab keeps this ref in the target project for every merge request, a fork's too.
    git.createRef('sample', 'refs/merge-requests/7/head', mrCommit);
    const d = sampleDelivery(ns, 'sample', { repositoryUrl: `${git.baseUrl}/a-fork/sample.git`, sha: mrCommit, ref: 'feature/mr', environments: [] });
    d.spec = { ...d.spec, refType: 'merge_request', mergeRequest: { iid: 7, sourceBranch: 'feature/mr', targetBranch: 'main' } };
    await createSoon(client, d);
    const name = d.metadata.name as string;

    const done = await finished(name);
    expect(done.status?.phase).toBe('Passed');
    expect(stage(done, 'test')).toMatchObject({ state: 'succeeded', testSummary: { total: 1, passed: 1 } });
    expect(stage(done, 'test')?.logTail).toContain('running tests of merge request 7');
  });

  it('stores the log tail, stage message and failing test names with the mounted Git password, a GitLab token and a private key redacted', async () => {
    const leaky = git.createCommit('sample', repo.shas[0] as string, {
      'test.sh': [
        `echo "the clone password is ${GIT_PASSWORD}"`,
        `echo "PRIVATE_TOKEN=${GITLAB_TOKEN}"`,
        `cat <<'KEY'`,
        PRIVATE_KEY,
        'KEY',
        'echo "remote: https://sluice-ci:hunter2-hunter2@gitlab.example.com/team/sample.git"',
        `printf '<testsuite><testcase classname="auth" name="uses ${GIT_PASSWORD}"><failure message="no"/></testcase></testsuite>' > report.xml`,
        'exit 1',
        '',
      ].join('\n'),
    });
    git.createRef('sample', 'refs/heads/feature/leaky', leaky);
    const d = sampleDelivery(ns, 'sample', { repositoryUrl: repo.url, sha: leaky, ref: 'feature/leaky' });
    await createSoon(client, d);
    const name = d.metadata.name as string;

    const done = await finished(name);
    expect(done.status).toMatchObject({ phase: 'Failed', reason: 'TestsFailed' });
    const test = stage(done, 'test');
    expect(test?.logTail).toContain('the clone password is [redacted]');
    expect(test?.logTail).toContain('PRIVATE_TOKEN=[redacted]');
    expect(test?.testSummary?.firstFailures).toEqual(['auth.uses [redacted]']);
    const stored = JSON.stringify(done.status);
    for (const secret of [GIT_PASSWORD, GITLAB_TOKEN, 'MIIEowIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Ihg7ImnV3b', 'hunter2-hunter2', 'PRIVATE KEY-----\\nMII']) {
      expect(stored, secret).not.toContain(secret);
    }
  });

  it('gives the Git credentials to no other host: a repository elsewhere is asked for without them', async () => {
    const d = sampleDelivery(ns, 'elsewhere', { repositoryUrl: `${elsewhere.url}/team/other.git`, sha: 'c'.repeat(40), ref: 'main', projectId: 77 });
    await createSoon(client, d);
    const name = d.metadata.name as string;

    const done = await finished(name, 170_000);
    expect(done.status).toMatchObject({ phase: 'Failed', reason: 'CloneFailed' });
    // The host asked for credentials (401) on every try, and was never sent any.
    expect(elsewhere.seen.length).toBeGreaterThan(0);
    expect(elsewhere.seen.filter((a) => a !== undefined)).toEqual([]);
  });
});
