import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { randomBytes } from 'node:crypto';
import { createLogger } from '@sluice/service';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import { memoryTelemetry, type FinishedSpan } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startArtifactRegistry, type ArtifactRegistry } from '../testing/artifact-registry.testkit.js';
import { startGitServer, type GitServer } from '../testing/git-server.testkit.js';
import {
  SAMPLE_COMMITS,
  adminClient,
  createNamespace,
  createPushSecret,
  createRunnerSecrets,
  createSoon,
  deliveriesPath,
  installCrds,
  jobsPath,
  sampleApplication,
  sampleDelivery,
  waitFor,
  watchUntilGone,
  runnerSettings,
} from '../testing/runner.testkit.js';
import { TestRunnerController } from './controller.js';

type D = KubeObject & Delivery;

describe('test runner on the local control plane', () => {
  let client: KubeClient;
  let git: GitServer;
  let registry: ArtifactRegistry;
  let controller: TestRunnerController;
  let ns: string;
  let testNs: string;
  let repo: { url: string; shas: string[] };
  const [PASSING, FAILING, BROKEN_INSTALL, SLOW] = [0, 1, 2, 3];
  const telemetry = memoryTelemetry();
  /** Trace id of each Delivery (the gateway's annotation, made up here). */
  const traces = new Map<string, { traceId: string; webhookSpan: string }>();

  beforeAll(async () => {
    client = adminClient();
    await installCrds(client);
    [git, registry, ns, testNs] = await Promise.all([startGitServer(), startArtifactRegistry(), createNamespace(client, 'sluice'), createNamespace(client, 'sluice-test')]);
    repo = await git.createRepository('sample', [SAMPLE_COMMITS.passing, SAMPLE_COMMITS.failing, SAMPLE_COMMITS.brokenInstall, SAMPLE_COMMITS.slow]);
    await createRunnerSecrets(client, testNs);
    // The Application pushes with a credential of its own, scoped to its repository (the shared 'registry' Secret is not used).
    await createPushSecret(client, testNs, 'sample-push', 'registry.local/team/sample');
    const app = sampleApplication(ns, 'sample', repo.url, { build: { repository: 'registry.local/team/sample', pushSecretName: 'sample-push' } });
    await createSoon(client, app);
    const settings = runnerSettings({ namespace: ns, testNamespace: testNs, gitUrl: git.baseUrl, artifactRegistryUrl: registry.url });
    controller = new TestRunnerController({
      client,
      settings,
      logger: createLogger({ service: 'test-runner', level: process.env['TEST_LOG_LEVEL'] === 'info' ? 'info' : 'warn' }),
      telemetry,
    });
    await controller.start();
  });

  afterAll(async () => {
    controller?.stop();
    await Promise.all([git?.close(), registry?.close(), telemetry.shutdown()]);
    if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
    if (testNs) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: testNs });
  });

  /**
   * Delivers `sha` pushed to branch `ref`: `main` holds every sample commit (its tip is the newest); any other
   * branch is made to point at `sha` first, as the push would (unless delivering to `other` Application).
   */
  async function deliver(sha: string, ref: string, other?: { readonly application: string; readonly projectId: number }): Promise<string> {
    if (other === undefined && ref !== 'main') git.createRef('sample', `refs/heads/${ref}`, sha);
    const d = sampleDelivery(ns, other?.application ?? 'sample', { repositoryUrl: repo.url, sha, ref, ...(other && { projectId: other.projectId }) });
    const trace = { traceId: randomBytes(16).toString('hex'), webhookSpan: randomBytes(8).toString('hex') };
    d.metadata.annotations = { [TRACEPARENT_ANNOTATION]: `00-${trace.traceId}-${trace.webhookSpan}-01` };
    traces.set(d.metadata.name as string, trace);
    await createSoon(client, d);
    return d.metadata.name as string;
  }

  /** The spans of `name`'s trace, once `names` are all there (the runner records them just after its status write). */
  async function spansOf(name: string, names: readonly string[]): Promise<FinishedSpan[]> {
    const traceId = traces.get(name)?.traceId;
    const spans = () => telemetry.spans().filter((s) => s.traceId === traceId);
    await vi.waitFor(() => expect(spans().map((s) => s.name)).toEqual(expect.arrayContaining([...names])), { timeout: 5_000 });
    return spans();
  }

  function until(name: string, predicate: (d: D) => boolean, timeoutMs = 80_000): Promise<D> {
    return waitFor<D>(client, deliveriesPath(ns), (d) => d.metadata.name === name && predicate(d), timeoutMs);
  }

  const stage = (d: D, name: 'test' | 'build') => d.status?.stages.find((s) => s.name === name);

  it('tests the exact (older) commit, passes, then builds <repository>:<sha> into the local registry', async () => {
    const sha = repo.shas[PASSING] as string;
    const name = await deliver(sha, 'main');
    const done = await until(name, (d) => stage(d, 'build')?.state === 'succeeded' || d.status?.phase === 'Failed');
    const test = stage(done, 'test');
    expect(test).toMatchObject({ state: 'succeeded', jobName: `${name}-test`, exitCode: 0, testSummary: { total: 2, passed: 2, failed: 0, skipped: 0, firstFailures: [] } });
    expect(test?.message).toMatch(/^test passed: 1 command\(s\) \(clone \d+(\.\d)?s, install \d+(\.\d)?s, test \d+(\.\d)?s\)$/);
    // The log is that of the commit asked for, not of the branch head.
    expect(test?.logTail).toContain('running tests of commit passing');
    expect(stage(done, 'build')).toMatchObject({ state: 'succeeded', jobName: `${name}-build` });
    // Deploy stages remain for the deployer: the runner leaves the phase at Building.
    expect(done.status?.phase).toBe('Building');
    const artifact = registry.get('registry.local/team/sample', sha);
    expect(artifact?.image).toBe(`registry.local/team/sample:${sha}`);
    expect(stage(done, 'build')?.message).toContain(artifact?.digest ?? 'no artifact');

    // One trace: queue wait, the test Job with its steps from the pod's container times, the build; all under the webhook span.
    const spans = await spansOf(name, ['queue.wait', 'test', 'clone', 'install', 'test.run', 'build', 'build.run']);
    const one = (n: string, parent?: FinishedSpan) => spans.find((s) => s.name === n && (parent === undefined || s.parentSpanId === parent.spanId));
    const webhook = traces.get(name)?.webhookSpan;
    const testSpan = one('test');
    const buildSpan = one('build');
    expect(one('queue.wait')).toMatchObject({ parentSpanId: webhook, attributes: expect.objectContaining({ 'sluice.queue': 'test' }) });
    expect(testSpan).toMatchObject({
      parentSpanId: webhook,
      status: 'unset',
      startMs: Date.parse(test?.startedAt ?? ''),
      endMs: Date.parse(test?.finishedAt ?? ''),
      attributes: expect.objectContaining({ 'k8s.job.name': `${name}-test`, 'k8s.namespace.name': testNs, 'cicd.pipeline.task.name': 'test', 'cicd.pipeline.task.run.result': 'success' }),
    });
    for (const step of ['clone', 'install', 'test.run']) expect(one(step, testSpan), step).toBeDefined();
    expect(buildSpan).toMatchObject({ parentSpanId: webhook, attributes: expect.objectContaining({ 'cicd.pipeline.task.name': 'build', 'k8s.job.name': `${name}-build` }) });
    expect(one('build.run', buildSpan)).toBeDefined();
    expect(one('clone', buildSpan)).toBeDefined();
    expect(await telemetry.metric('sluice.stage.duration')).toEqual(
      expect.arrayContaining([expect.objectContaining({ attributes: expect.objectContaining({ 'cicd.pipeline.task.name': 'build', 'cicd.pipeline.task.run.result': 'success' }) })]),
    );
  });

  it('fails with TestsFailed and names the failing tests from the JUnit report', async () => {
    const name = await deliver(repo.shas[FAILING] as string, 'feature/failing');
    const done = await until(name, (d) => d.status?.phase === 'Failed' || d.status?.phase === 'Passed');
    expect(done.status).toMatchObject({ phase: 'Failed', reason: 'TestsFailed' });
    expect(stage(done, 'test')).toMatchObject({
      state: 'failed',
      reason: 'TestsFailed',
      exitCode: 1,
      testSummary: { total: 3, passed: 1, failed: 1, skipped: 1, firstFailures: ['math.subtracts & rounds'] },
    });
    expect(stage(done, 'test')?.message).toContain('tests failed with exit code 1: test failed: command 1/1 exited 1: sh test.sh');
    expect(stage(done, 'test')?.logTail).toContain('1 test failed');

    const spans = await spansOf(name, ['test', 'test.run']);
    expect(spans.find((s) => s.name === 'test')).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'TestsFailed' }) });
    expect(spans.find((s) => s.name === 'test.run')).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'TestsFailed' }) });
    expect(spans.find((s) => s.name === 'install')?.status).toBe('unset');
    expect(await telemetry.metric('sluice.delivery.duration')).toEqual(
      expect.arrayContaining([expect.objectContaining({ attributes: { 'cicd.pipeline.name': 'sample', 'cicd.pipeline.result': 'failure', 'error.type': 'TestsFailed' } })]),
    );
  });

  it('fails with DependencyInstallFailed when the install step fails', async () => {
    const name = await deliver(repo.shas[BROKEN_INSTALL] as string, 'feature/broken-install');
    const done = await until(name, (d) => d.status?.phase === 'Failed' || d.status?.phase === 'Passed');
    expect(stage(done, 'test')).toMatchObject({ state: 'failed', reason: 'DependencyInstallFailed', exitCode: 7 });
    expect(stage(done, 'test')?.logTail).toContain('left-pad@9.9.9 not found');
  });

  it('fails with CloneFailed for a repository that does not exist', async () => {
    // The clone URL is the Application's (never the Delivery's): an Application whose repository is gone.
    await createSoon(client, sampleApplication(ns, 'gone', `${git.baseUrl}/no-such-project.git`, { project: { id: 4242, path: 'team/gone' } }));
    const name = await deliver(repo.shas[PASSING] as string, 'feature/bad-url', { application: 'gone', projectId: 4242 });
    const done = await until(name, (d) => d.status?.phase === 'Failed' || d.status?.phase === 'Passed');
    expect(done.status).toMatchObject({ phase: 'Failed', reason: 'CloneFailed' });
    expect(stage(done, 'test')?.exitCode).not.toBe(0);
  });

  it('deletes the Job (and its pods) of a superseded Delivery', async () => {
    const name = await deliver(repo.shas[SLOW] as string, 'feature/superseded');
    await until(name, (d) => stage(d, 'test')?.state === 'running');
    const pod = await waitFor(client, `/api/v1/namespaces/${testNs}/pods`, (p) => p.metadata.labels?.['sluice.dev/delivery'] === name && (p as { status?: { phase?: string } }).status?.phase === 'Running');
    const gone = watchUntilGone(client, jobsPath(testNs), `${name}-test`);
    // What the gateway does when a newer push to the branch arrives.
    await client.updateStatus<D>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: ns, name }, (d) => ({ ...d.status, phase: 'Superseded', reason: 'Superseded' }));
    await gone;
    // Background propagation: the garbage collector removes the pod too (its sleeping test process is stopped).
    await watchUntilGone(client, `/api/v1/namespaces/${testNs}/pods`, pod.metadata.name as string);
    expect(await client.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: testNs, name: `${name}-test` })).toBeUndefined();
  });

  it('fails with TestTimeout when the tests outlive activeDeadlineSeconds', async () => {
    const name = await deliver(repo.shas[SLOW] as string, 'feature/slow');
    const done = await until(name, (d) => d.status?.phase === 'Failed' || d.status?.phase === 'Passed', 85_000);
    expect(done.status).toMatchObject({ phase: 'Failed', reason: 'TestTimeout' });
    expect(stage(done, 'test')?.message).toContain('did not finish within 30s');
  });
});
