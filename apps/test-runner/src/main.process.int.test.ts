import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '@sluice/kube';
import { freePort, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import { closedPort, jsonAttributes, OtlpReceiver } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startArtifactRegistry, type ArtifactRegistry } from './testing/artifact-registry.testkit.js';
import { startGitServer, type GitServer } from './testing/git-server.testkit.js';
import { deliveryMidJob, expectFinishedAsUndisturbed, runnerProcessEnv } from './testing/process.testkit.js';
import { SAMPLE_COMMITS, adminClient, createNamespace, createRunnerSecrets, createSoon, installCrds, sampleApplication, sampleDelivery } from './testing/runner.testkit.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

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
    repo = await git.createRepository('sample', [SAMPLE_COMMITS.passing, SAMPLE_COMMITS.slowPass]);
    await createRunnerSecrets(client, testNs);
    await createSoon(client, sampleApplication(ns, 'sample', repo.url));
  });

  afterAll(async () => {
    processes.forEach((p) => p.kill());
    await Promise.all([git?.close(), registry?.close()]);
    if (ns) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns });
    if (testNs) await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: testNs });
  });

  async function startRunner(otel: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await startServiceProcess({
      entry,
      env: {
        ...otel,
        ...runnerProcessEnv({ port: await freePort(), kubeconfig: inject('kubeconfig'), namespace: ns, testNamespace: testNs, registry, gitUrl: git.baseUrl }),
        // A restarted container keeps its pod name, so its leader Lease is its own at once.
        POD_NAME: 'test-runner-0',
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

  it('killed with SIGKILL mid-Job and restarted: one Job, the Delivery still finishes correctly, and its trace continues', async () => {
    // The first runner's collector is down: nothing it does may depend on telemetry getting out.
    const first = await startRunner({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`, OTEL_BSP_SCHEDULE_DELAY: '100' });
    await ready(first);
    const d = sampleDelivery(ns, 'sample', { repositoryUrl: repo.url, sha: repo.shas[1] as string, ref: 'main' });
    const traceId = randomBytes(16).toString('hex');
    const webhookSpan = randomBytes(8).toString('hex');
    d.metadata.annotations = { [TRACEPARENT_ANNOTATION]: `00-${traceId}-${webhookSpan}-01` };
    const { name, job } = await deliveryMidJob(client, ns, testNs, d);
    const jobName = `${name}-test`;
    first.kill();

    const collector = await OtlpReceiver.start();
    const second = await startRunner({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRICS_EXPORTER: 'none' });
    const done = await expectFinishedAsUndisturbed(client, { namespace: ns, testNamespace: testNs, name, job, registry, sha: repo.shas[1] as string });
    // SIGTERM flushes the batch. The test stage began in the first process; its span comes from the times the cluster kept.
    expect((await second.stop('SIGTERM')).code).toBe(0);
    await collector.close();
    const spans = collector.jsonSpans().filter((s) => s.span.traceId === traceId);
    const test = spans.find((s) => s.span.name === 'test');
    expect(test?.serviceName).toBe('test-runner');
    expect(test?.span.parentSpanId).toBe(webhookSpan);
    const testStage = done.status?.stages.find((s) => s.name === 'test');
    expect(Number(BigInt(test?.span.startTimeUnixNano ?? '0') / 1_000_000n)).toBe(Date.parse(testStage?.startedAt ?? ''));
    expect(jsonAttributes(test?.span ?? { traceId: '', spanId: '', name: '' })).toMatchObject({ 'k8s.job.name': jobName, 'cicd.pipeline.task.run.result': 'success' });
    const children = spans.filter((s) => s.span.parentSpanId === test?.span.spanId).map((s) => s.span.name);
    expect(children.sort()).toEqual(['clone', 'install', 'test.run']);
    expect(spans.find((s) => s.span.name === 'build')?.span.parentSpanId).toBe(webhookSpan);
  });
});
