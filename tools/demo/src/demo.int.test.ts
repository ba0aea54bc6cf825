/**
 * The demo command's whole story, end to end, as the test suite (and CI)
 * runs it. It starts its own control plane rather than the suite's shared
 * one: it installs deploy/ with its fixed namespaces (sluice-system,
 * sluice-test, sluice-production) and cluster-wide CRDs, which
 * tools/deploy-gen's tests also apply to the shared cluster, and it
 * runs the real services, whose informers would see every other test's
 * objects in those namespaces. An own cluster is also exactly what
 * `bash tools/demo.sh` does.
 *
 * The same single run is also the end-to-end test of Sluice's telemetry:
 * the traces the four services sent to a real Jaeger, and the metrics they
 * exported (OTLP/JSON) to a collector this test holds, against what the
 * Grafana dashboard queries. GitLab answers v2's first commit status with a
 * 503 (the notifier retries), so the GitLab error metric and span are real
 * too; a forged webhook at the end supplies the rejection counter.
 */
import { kubeClientFromFile, type KubeClient, type KubeObject } from '@sluice/kube';
import { dashboardQueries, dashboardReferences, sluiceDashboard } from '@sluice/manifests';
import { OtlpReceiver, type JsonMetricPoint } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uncataloguedExports, unansweredQueries, unansweredTraceQueries } from './dashboard-assertions.testkit.js';
import type { DeliveryOutcome, DemoResult } from './result.js';
import { SAMPLE_APP } from './sample-app/application.js';
import type { Expectation } from './sample-app/versions.js';
import { runDemo } from './scenario.js';
import { waterfall, type ReceivedSpan } from './stack/trace.js';
import {
  deliveryAttributesOf,
  EXPECTED_TREE,
  failedSpans,
  hasTree,
  ROOT_SPAN,
  runIdsOf,
  sortedTree,
  spanNamed,
  spansNamed,
  traceIdsOf,
  treeOf,
} from './trace-assertions.testkit.js';
import { admissionRefusal, CLONE_SCRIPT, connectScript, deploymentEnv, DNS_SCRIPT, plainNamespace, probeInputs, runProbe, startListener } from './isolation.testkit.js';
import { renderSummary } from './view/summary.js';

let result: DemoResult;
let collector: OtlpReceiver;

beforeAll(async () => {
  // keepStack: the trace receiver and the services stay up for the assertions below; afterAll stops everything.
  result = await runDemo({
    output: 'quiet',
    keepStack: true,
    // Where the in-cluster collector also exports the services' metrics (deploy/overlays/local), on the node link's host address.
    startMetricsReceiver: async (listen) => (collector = await OtlpReceiver.start(listen)),
    gitlabFaults: (version, sha) => (version.id === 'v2' ? [{ status: 503, method: 'POST', path: `/statuses/${sha}`, times: 1 }] : []),
  });
}, 600_000);

afterAll(async () => {
  await result?.stop?.();
  await collector?.close();
}, 60_000);

type PodObject = KubeObject & { spec?: { serviceAccountName?: string; containers: { image?: string }[] }; status?: { phase?: string } };

/** The demo cluster's admin (its kubeconfig stays while the stack is kept). */
function clusterAdmin(): KubeClient {
  const path = result.endpoints.kubeconfig;
  if (!path) throw new Error('the demo reported no kubeconfig');
  return kubeClientFromFile(path, { fieldManager: 'sluice-demo-test' });
}

/** The delivery of `version`, which must have been accepted and traced. */
function delivery(version: string): DeliveryOutcome & { name: string; traceId: string } {
  const d = result.deliveries.find((x) => x.version === version);
  if (!d?.name || !d.traceId) throw new Error(`${version} has no Delivery or no trace id: ${JSON.stringify(d)}`);
  return d as DeliveryOutcome & { name: string; traceId: string };
}

const traces = new Map<string, Promise<ReceivedSpan[]>>();

/** `version`'s trace, once every span its story has was received (or whatever arrived within 30 s, for the assertion to show). */
function traceOf(version: string, story: Expectation): Promise<ReceivedSpan[]> {
  const cached = traces.get(version);
  if (cached) return cached;
  const receiver = result.receiver;
  if (!receiver) throw new Error(`no trace receiver: ${result.traceUnavailable ?? 'not kept'}`);
  const { traceId } = delivery(version);
  const spans = receiver.waitForTrace(traceId, (s) => hasTree(s, EXPECTED_TREE[story]), 30_000).catch(() => receiver.getTrace(traceId));
  traces.set(version, spans);
  return spans;
}

let exported: Promise<JsonMetricPoint[]> | undefined;

/**
 * Every metric data point the services exported, once they answer every
 * dashboard query (or after 30 s, for the assertion to show what is
 * missing). First sends the one thing the story does not: a forged webhook,
 * which the gateway refuses (counted by reason, never traced).
 */
function exportedMetrics(): Promise<JsonMetricPoint[]> {
  exported ??= (async () => {
    const forged = await fetch(`${result.endpoints.gatewayUrl}/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'forged' },
      body: '{}',
    });
    if (forged.status !== 401) throw new Error(`the gateway answered a forged webhook ${forged.status}, not 401`);
    // Exported every second, cumulatively: the last delivery's and the forged request's points follow within seconds.
    const queries = dashboardQueries();
    const deadline = Date.now() + 30_000;
    while (unansweredQueries(queries, collector.jsonMetricPoints()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    return collector.jsonMetricPoints();
  })();
  return exported;
}

/** A test that reads traces: longer than {@link traceOf}'s wait, so a missing span fails on the assertion that names it. */
const TRACE_TIMEOUT_MS = 45_000;

/** The other color. */
const otherColor = (color: string | undefined) => (color === 'blue' ? 'green' : 'blue');

describe('the demo: push to live on the local control plane', () => {
  it('behaves as the story says, with nothing that differed', () => {
    expect(result.problems, `${renderSummary(result)}\n${result.diagnostics ?? ''}`).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('ends v1 and v2 Live, v3 Failed on its tests, v4 RolledBack', () => {
    expect(result.deliveries.map((d) => [d.version, d.phase, d.reason])).toEqual([
      ['v1', 'Live', undefined],
      ['v2', 'Live', undefined],
      ['v3', 'Failed', 'TestsFailed'],
      ['v4', 'RolledBack', 'PostPromotionUnhealthy'],
    ]);
    expect(result.deliveries.find((d) => d.version === 'v3')?.stages.find((s) => s.label === 'test')?.tests).toMatchObject({ failed: 1 });
  });

  it('leaves v2 live, answering from a Ready pod of its color', () => {
    const v2 = result.deliveries.find((d) => d.version === 'v2');
    expect(result.live).toMatchObject({ version: 'v2', revision: v2?.sha, color: v2?.liveAfter?.color, answer: 'sample-app v2\n' });
  });

  it('posted the final commit statuses to GitLab for every SHA, v2’s despite GitLab’s 503', () => {
    const statusesOf = (version: string) => result.statuses[result.deliveries.find((d) => d.version === version)?.sha ?? ''];
    expect(statusesOf('v1')).toEqual({ 'sluice/test': 'success', 'sluice/build': 'success', 'sluice/deploy:production': 'success' });
    expect(statusesOf('v2')).toEqual({ 'sluice/test': 'success', 'sluice/build': 'success', 'sluice/deploy:production': 'success' });
    expect(statusesOf('v3')).toEqual({ 'sluice/test': 'failed', 'sluice/build': 'canceled', 'sluice/deploy:production': 'canceled' });
    expect(statusesOf('v4')).toEqual({ 'sluice/test': 'success', 'sluice/build': 'success', 'sluice/deploy:production': 'failed' });
  });

  it('ran the four services and the collector as pods from deploy/, as their own ServiceAccounts, from images in the node registry by digest', async () => {
    const admin = clusterAdmin();
    const pods = async (namespace: string, name: string) =>
      (await admin.list<PodObject>({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector: `app.kubernetes.io/name=${name}` })).items;
    for (const [namespace, name, repository] of [
      ['sluice-system', 'webhook-gateway', 'sluice/webhook-gateway'],
      ['sluice-system', 'test-runner', 'sluice/test-runner'],
      ['sluice-system', 'deployer', 'sluice/deployer'],
      ['sluice-system', 'notifier', 'sluice/notifier'],
      ['sluice-observability', 'otel-collector', 'sluice/otelcol'],
    ] as const) {
      const running = (await pods(namespace, name)).filter((p) => p.status?.phase === 'Running');
      expect(running.length, `${namespace}/${name} has a Running pod`).toBeGreaterThan(0);
      for (const pod of running) {
        // The collector calls no Kubernetes API: it runs without a token, as the namespace's default account.
        expect(pod.spec?.serviceAccountName).toBe(name === 'otel-collector' ? 'default' : name);
        expect(pod.spec?.containers.map((c) => c.image)).toEqual([expect.stringMatching(new RegExp(`^10\\.240\\.\\d+\\.2:5000/${repository}@sha256:[0-9a-f]{64}$`))]);
      }
    }
  });

  it('built the sample app with BuildKit in the build namespace and runs it by the digest the build recorded', async () => {
    const admin = clusterAdmin();
    const v2 = delivery('v2');
    const recorded = (await admin.get<KubeObject & { status?: { image?: string } }>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: 'sluice-system', name: v2.name }))?.status?.image;
    expect(recorded).toMatch(/^10\.240\.\d+\.2:5000\/demo\/sample-app@sha256:[0-9a-f]{64}$/);
    const deployment = await admin.get<KubeObject & { spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }>({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'sluice-production',
      name: `${SAMPLE_APP}-${v2.liveAfter?.color ?? '?'}`,
    });
    expect(deployment?.spec?.template?.spec?.containers?.map((c) => c.image)).toEqual([recorded]);
  });

  it('served every request of a steady client through the Service during each switch and the rollback: v1 → v2 → v4 → v2, none failed', () => {
    expect(result.traffic?.sequence).toEqual(['v1', 'v2', 'v4', 'v2']);
    expect(result.traffic?.failed, JSON.stringify(result.traffic?.failures)).toBe(0);
    expect(result.traffic?.sent).toBeGreaterThan(20 * 10);
  });

  it('gave every delivery a trace id, and the receiver (kept running) holds the rolled-back one', async () => {
    expect(result.deliveries.every((d) => /^[0-9a-f]{32}$/.test(d.traceId ?? ''))).toBe(true);
    const traceId = result.deliveries.find((d) => d.version === 'v4')?.traceId ?? '';
    const spans = (await result.receiver?.getTrace(traceId)) ?? [];
    expect(spans.map((s) => s.serviceName)).toContain('webhook-gateway');
  });
});

describe('what deploy/ forbids and allows, on the real node (each NetworkPolicy and Pod Security label is needed here)', () => {
  it('a pod in the test namespace reaches no production pod, no Sluice service, no collector and no Kubernetes API — and clones from Git', async () => {
    const admin = clusterAdmin();
    const p = await probeInputs(admin, delivery('v1').name);
    const log = await runProbe(admin, kubeClientFromFile(result.endpoints.kubeconfig ?? '', { fieldManager: 'sluice-demo-test' }), {
      namespace: 'sluice-test',
      name: 'e2e-test-isolation',
      image: p.image,
      mountSecret: 'sluice-git-credentials',
      script: `${connectScript(p.forbidden)}\n${DNS_SCRIPT}\nREPO='${p.repositoryUrl}'\n${CLONE_SCRIPT}`,
    });
    expect(log.trim().split('\n').sort()).toEqual([...p.forbidden.map((t) => `closed ${t.name}`), 'dns ok', 'clone ok'].sort());
  }, 90_000);

  it('a pod in the build namespace reaches Git and the registry, and nothing of the cluster', async () => {
    const admin = clusterAdmin();
    const p = await probeInputs(admin, delivery('v1').name);
    const [host = '', port = '5000'] = p.registry.split(':');
    const log = await runProbe(admin, kubeClientFromFile(result.endpoints.kubeconfig ?? '', { fieldManager: 'sluice-demo-test' }), {
      namespace: 'sluice-build',
      name: 'e2e-build-isolation',
      image: p.image,
      mountSecret: 'sluice-git-credentials',
      script: `${connectScript([...p.forbidden, { name: 'registry', host, port: Number(port) }])}\n${DNS_SCRIPT}\nREPO='${p.repositoryUrl}'\n${CLONE_SCRIPT}`,
    });
    expect(log.trim().split('\n').sort()).toEqual([...p.forbidden.map((t) => `closed ${t.name}`), 'open registry', 'dns ok', 'clone ok'].sort());
  }, 90_000);

  it('from any other namespace nothing of Sluice, the collector, production or a test or build pod answers; from the ingress controller namespace only the gateway and production', async () => {
    const admin = clusterAdmin();
    const logs = kubeClientFromFile(result.endpoints.kubeconfig ?? '', { fieldManager: 'sluice-demo-test' });
    const p = await probeInputs(admin, delivery('v1').name);
    const [testPod, buildPod] = await Promise.all([
      startListener(admin, { namespace: 'sluice-test', name: 'e2e-listener', image: p.nodeImage }),
      startListener(admin, { namespace: 'sluice-build', name: 'e2e-listener', image: p.nodeImage }),
    ]);
    const elsewhere = [
      ...p.forbidden.filter((t) => t.name !== 'api'),
      { name: 'test pod', host: testPod, port: 8080 },
      { name: 'build pod', host: buildPod, port: 8080 },
    ];
    await plainNamespace(admin, 'e2e-elsewhere');
    const outside = await runProbe(admin, logs, { namespace: 'e2e-elsewhere', name: 'e2e-outside', image: p.image, script: connectScript(elsewhere) });
    expect(outside.trim().split('\n').sort()).toEqual(elsewhere.map((t) => `closed ${t.name}`).sort());
    await plainNamespace(admin, 'ingress-nginx');
    const production = p.forbidden.filter((t) => t.name === 'production');
    const ingress = await runProbe(admin, logs, { namespace: 'ingress-nginx', name: 'e2e-ingress', image: p.image, script: connectScript([...p.services, ...production]) });
    expect(ingress.trim().split('\n').sort()).toEqual(['closed deployer', 'open gateway', 'open production']);
  }, 150_000);

  it('admits only restricted pods where tests, services, the collector and apps run, and in the build namespace nothing beyond baseline', async () => {
    const admin = clusterAdmin();
    const container = { name: 'c', image: 'irrelevant:1' };
    // No securityContext at all: fine for baseline, refused by restricted (privilege escalation, capabilities, root, seccomp).
    const unhardened = { containers: [container] };
    for (const ns of ['sluice-test', 'sluice-system', 'sluice-production', 'sluice-observability']) {
      expect(await admissionRefusal(admin, ns, 'e2e-unhardened', unhardened), ns).toMatch(/violates PodSecurity "restricted/);
    }
    const hostNetwork = { hostNetwork: true, containers: [container] };
    expect(await admissionRefusal(admin, 'sluice-build', 'e2e-host-network', hostNetwork)).toMatch(/violates PodSecurity "baseline/);
    const unconfined = { containers: [{ ...container, securityContext: { seccompProfile: { type: 'Unconfined' } } }] };
    expect(await admissionRefusal(admin, 'sluice-build', 'e2e-unconfined', unconfined)).toMatch(/violates PodSecurity "baseline/);
  });
});

const STORIES = [
  ['v1', 'live'],
  ['v3', 'tests-fail'],
  ['v4', 'rolled-back'],
] as const satisfies readonly (readonly [string, Expectation])[];

describe('one trace per delivery, across the four services (a real Jaeger)', () => {
  it.each(STORIES)('%s (%s): one trace id, the webhook its only root, every step of its story under the right parent', async (version, story) => {
    const d = delivery(version);
    const spans = await traceOf(version, story);
    expect(traceIdsOf(spans)).toEqual([d.traceId]);
    expect(treeOf(spans)).toEqual(sortedTree(EXPECTED_TREE[story]));
    expect(spans.filter((s) => !s.parentSpanId).map((s) => s.name)).toEqual([ROOT_SPAN]);
  }, TRACE_TIMEOUT_MS);

  it('keeps each delivery in its own trace: no span names another Delivery', async () => {
    const all = [...STORIES, ['v2', 'live'] as const];
    const traced = await Promise.all(all.map(([version, story]) => traceOf(version, story)));
    expect(traced.map(runIdsOf)).toEqual(all.map(([version]) => [delivery(version).name]));
  }, TRACE_TIMEOUT_MS);

  it.each(STORIES)('%s (%s): the stage spans carry the CICD, VCS and Kubernetes attributes of the delivery', async (version, story) => {
    const d = delivery(version);
    const spans = await traceOf(version, story);
    const ofDelivery = deliveryAttributesOf(d, SAMPLE_APP);
    expect(spanNamed(spans, ROOT_SPAN).attributes).toMatchObject({
      'cicd.pipeline.run.id': d.name,
      'http.request.method': 'POST',
      'http.route': '/webhooks/gitlab',
      'http.response.status_code': 202,
      'sluice.webhook.outcome': 'accepted',
    });
    expect(spanNamed(spans, 'delivery.create').attributes).toMatchObject({ 'cicd.pipeline.run.id': d.name });
    expect(spanNamed(spans, 'queue.wait').attributes).toMatchObject({ ...ofDelivery, 'sluice.queue': 'test' });
    expect(spanNamed(spans, 'test').attributes).toMatchObject({
      ...ofDelivery,
      'vcs.repository.url.full': expect.stringMatching(/\/demo\/sample-app\.git$/),
      'cicd.pipeline.task.name': 'test',
      'cicd.pipeline.task.run.result': story === 'tests-fail' ? 'failure' : 'success',
      'k8s.namespace.name': 'sluice-test',
      'k8s.job.name': `${d.name}-test`,
      'sluice.tests.total': expect.any(Number),
      'sluice.tests.failed': story === 'tests-fail' ? 1 : 0,
    });
    for (const step of [...spansNamed(spans, 'clone'), spanNamed(spans, 'install')]) expect(step.attributes['process.exit.code'], step.name).toBe(0);
    if (story === 'tests-fail') return;
    expect(spanNamed(spans, 'build').attributes).toMatchObject({
      ...ofDelivery,
      'cicd.pipeline.task.name': 'build',
      'cicd.pipeline.task.run.result': 'success',
      'k8s.namespace.name': 'sluice-build',
      'k8s.job.name': `${d.name}-build`,
    });
    // The color the revision was rendered on: the live one after v1, the idle one for v4 (traffic went back).
    const color = story === 'live' ? d.liveAfter?.color : otherColor(d.liveAfter?.color);
    expect(spanNamed(spans, 'deploy production').attributes).toMatchObject({
      ...ofDelivery,
      'cicd.pipeline.task.name': 'deploy:production',
      'cicd.pipeline.task.run.result': story === 'live' ? 'success' : 'failure',
      'deployment.environment.name': 'production',
      'k8s.namespace.name': 'sluice-production',
      'k8s.deployment.name': `${SAMPLE_APP}-${color}`,
    });
  }, TRACE_TIMEOUT_MS);

  it.each(STORIES)('%s (%s): every GitLab call is a CLIENT span with the HTTP attributes of the request', async (version, story) => {
    const spans = (await traceOf(version, story)).filter((s) => s.name.startsWith('gitlab.'));
    // Where the notifier, in its pod, reaches GitLab (deploy/overlays/local: a Service in front of the stand-in).
    const gitlab = new URL((await deploymentEnv(clusterAdmin(), 'notifier'))['SLUICE_GITLAB_URL'] ?? 'http://unknown');
    expect(spans.length).toBeGreaterThan(0);
    for (const s of spans) {
      expect(s.kind.toLowerCase(), s.name).toContain('client');
      expect(s.attributes, s.name).toMatchObject({
        'http.request.method': expect.stringMatching(/^(GET|POST|PUT)$/),
        'http.response.status_code': expect.any(Number),
        'server.address': gitlab.hostname,
        'server.port': Number(gitlab.port),
        'url.template': expect.stringMatching(/^\/api\/v4\/projects\/\{id\}\//),
        'sluice.gitlab.operation': s.name.slice('gitlab.'.length),
      });
    }
  }, TRACE_TIMEOUT_MS);

  it('v1 (Live): no span failed', async () => {
    expect(failedSpans(await traceOf('v1', 'live'))).toEqual([]);
  }, TRACE_TIMEOUT_MS);

  it('v3 (Failed): the test stage and its failing step are ERROR with error.type TestsFailed, and nothing was built or deployed', async () => {
    const spans = await traceOf('v3', 'tests-fail');
    expect(failedSpans(spans)).toEqual(['test.run: TestsFailed', 'test: TestsFailed'].sort());
    expect(spanNamed(spans, 'test.run').attributes).toMatchObject({ 'k8s.container.name': 'test', 'process.exit.code': 1 });
    expect(spans.map((s) => s.name)).not.toContain('build');
    expect(spans.filter((s) => s.serviceName === 'deployer')).toEqual([]);
  }, TRACE_TIMEOUT_MS);

  it('v4 (RolledBack): the deploy and its bake are ERROR with error.type RolledBack, the switch back is a rollback step, and the rollback note is in the trace', async () => {
    const spans = await traceOf('v4', 'rolled-back');
    expect(failedSpans(spans)).toEqual(['bake: RolledBack', 'deploy production: RolledBack']);
    expect(spanNamed(spans, 'deploy production').statusMessage).toMatch(/stopped being ready after promotion; rolled back to/);
    expect(spanNamed(spans, 'rollback').attributes).toMatchObject({ 'deployment.environment.name': 'production', 'sluice.rollback.trigger': 'automatic' });
    // The notifier looks for the note first (a lost answer must not post it twice), then posts it, once.
    const notes = [...spansNamed(spans, 'gitlab.note')].sort((a, b) => (a.startUnixNano < b.startUnixNano ? -1 : 1));
    expect(notes.map((s) => [s.attributes['http.request.method'], s.attributes['http.response.status_code']])).toEqual([
      ['GET', 200],
      ['POST', 201],
    ]);
    const [bake, rollback] = [spanNamed(spans, 'bake'), spanNamed(spans, 'rollback')];
    // The switch back ends the bake.
    expect(rollback.startUnixNano >= bake.endUnixNano).toBe(true);
  }, TRACE_TIMEOUT_MS);

  it('v2: the GitLab 503 is an ERROR client span with its status code, and the retry that followed succeeded', async () => {
    const statuses = spansNamed(await traceOf('v2', 'live'), 'gitlab.status');
    const failed = statuses.filter((s) => s.statusCode === 'ERROR');
    expect(failed.map((s) => [s.attributes['error.type'], s.attributes['http.response.status_code']])).toEqual([['503', 503]]);
    const retried = statuses.filter((s) => s.startUnixNano > (failed[0]?.endUnixNano ?? 0n) && s.attributes['http.response.status_code'] === 201);
    expect(retried.length).toBeGreaterThan(0);
  }, TRACE_TIMEOUT_MS);
});

describe('what the Grafana dashboard queries is really exported', () => {
  it('every metric and attribute of every dashboard query is in the services’ OTLP metric exports', async () => {
    const points = await exportedMetrics();
    expect(unansweredQueries(dashboardQueries(), points)).toEqual([]);
    expect(uncataloguedExports(points)).toEqual([]);
  }, 60_000);

  it('counts each ending by result and reason: TestsFailed, RolledBack, the automatic rollback, the GitLab 503, the forged webhook', async () => {
    const points = (await exportedMetrics()).map((p) => ({ metric: p.metric, ...p.attributes }));
    const app = { 'cicd.pipeline.name': SAMPLE_APP };
    expect(points).toEqual(
      expect.arrayContaining([
        { metric: 'sluice.delivery.duration', ...app, 'cicd.pipeline.result': 'success' },
        { metric: 'sluice.delivery.duration', ...app, 'cicd.pipeline.result': 'failure', 'error.type': 'TestsFailed' },
        { metric: 'sluice.delivery.duration', ...app, 'cicd.pipeline.result': 'failure', 'error.type': 'RolledBack' },
        { metric: 'sluice.stage.duration', ...app, 'cicd.pipeline.task.name': 'build', 'cicd.pipeline.task.run.result': 'success' },
        { metric: 'sluice.stage.duration', ...app, 'cicd.pipeline.task.name': 'test', 'cicd.pipeline.task.run.result': 'failure', 'error.type': 'TestsFailed' },
        { metric: 'sluice.delivery.lead_time', ...app, 'deployment.environment.name': 'production' },
        {
          metric: 'sluice.rollbacks',
          ...app,
          'deployment.environment.name': 'production',
          'sluice.rollback.trigger': 'automatic',
          'error.type': 'PostPromotionUnhealthy',
        },
        { metric: 'sluice.gitlab.errors', 'sluice.gitlab.operation': 'status', 'http.response.status_code': 503, 'error.type': '503' },
        { metric: 'sluice.webhook.rejections', 'error.type': 'bad_token' },
      ]),
    );
  }, 60_000);

  it('its trace queries find the failed and the recent deliveries', async () => {
    const spans = (await Promise.all(STORIES.map(([version, story]) => traceOf(version, story)))).flat();
    expect(unansweredTraceQueries(dashboardReferences(sluiceDashboard()).traceQueries, spans)).toEqual([]);
  }, TRACE_TIMEOUT_MS);
});

describe('the summary the demo prints', () => {
  it('names every delivery’s trace id and draws the waterfall of the rolled-back one, webhook to rollback', () => {
    const v4 = delivery('v4');
    expect(result.trace).toMatchObject({ version: 'v4', traceId: v4.traceId });
    const text = renderSummary(result, { waterfall: waterfall([...(result.trace?.spans ?? [])], false) });
    expect(text).toContain(`Trace of v4: ${v4.traceId}`);
    for (const d of result.deliveries) expect(text).toContain(`${d.version} ${d.traceId ?? '(none)'}`);
    for (const name of [ROOT_SPAN, 'queue.wait', 'test.run', 'build.run', 'rollout.wait', 'switch', 'bake', 'rollback', 'gitlab.status']) {
      expect(text).toContain(name);
    }
  });
});
