/**
 * The notifier against the real local cluster and the GitLab stand-in: the
 * test drives Delivery status as the runner and deployer would, and asserts
 * what GitLab received.
 */
import { createHash } from 'node:crypto';
import { startGitlabStandIn, type GitlabStandIn } from '@sluice/gitlab-stand-in';
import type { KubeClient } from '@sluice/kube';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import { memoryTelemetry } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotifierController } from './controller/controller.js';
import { createGitlabClient } from './gitlab-client.js';
import { NotifierTelemetry } from './telemetry/gitlab.js';
import {
  adminClient,
  createNamespace,
  deleteNamespace,
  deliveryObject,
  fakeSha,
  installCrds,
  StatusDriver,
  testLogger,
  waitUntil,
  type Delivery,
} from './testing/cluster.testkit.js';

const TOKEN = 'glpat-notifier-int-test';
const PROJECT = { id: 7781, path: 'platform/inventory-svc' };
const PUBLIC = 'https://sluice.example.test';

let kube: KubeClient;
let ns: string;
let gitlab: GitlabStandIn;
let controller: NotifierController;
const telemetry = memoryTelemetry();
/** The trace each test Delivery carries (as the gateway would have written it). */
const traceOf = (name: string) => createHash('md5').update(name).digest('hex');

beforeAll(async () => {
  kube = adminClient();
  await installCrds(kube);
  ns = await createNamespace(kube, 'notifier');
  gitlab = await startGitlabStandIn({ token: TOKEN, projects: [PROJECT, { id: 7782, path: 'platform/other' }] });
  const notifierTelemetry = new NotifierTelemetry(telemetry);
  controller = new NotifierController({
    kube,
    gitlab: await createGitlabClient({ url: gitlab.url, token: TOKEN, timeoutMs: 2_000, wrapDispatcher: (inner) => notifierTelemetry.dispatcher(inner) }),
    telemetry: notifierTelemetry,
    namespace: ns,
    decide: { prefix: 'sluice', publicUrl: PUBLIC },
    concurrency: 4,
    backoff: { initialMs: 50, maxMs: 800 },
    logger: testLogger(),
  });
  await controller.start();
});

afterAll(async () => {
  controller?.stop();
  await gitlab?.close();
  await telemetry.shutdown();
  if (ns) await deleteNamespace(kube, ns);
});

async function create(name: string, sha: string, extra: Partial<Parameters<typeof deliveryObject>[0]> = {}): Promise<StatusDriver> {
  const object = deliveryObject({ name, namespace: ns, sha, project: PROJECT, ...extra });
  object.metadata.annotations = { ...object.metadata.annotations, [TRACEPARENT_ANNOTATION]: `00-${traceOf(name)}-${traceOf(name).slice(0, 16)}-01` };
  await kube.create(object);
  return new StatusDriver(kube, ns, name);
}

async function posted(name: string): Promise<Record<string, { state: string; description?: string; deploymentId?: number }>> {
  const delivery = await kube.get<Delivery>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: ns, name });
  return delivery?.status?.posted ?? {};
}

/** Waits until GitLab shows `state` as the latest row of `name` on `sha` and the Delivery recorded it. */
async function until(delivery: string, sha: string, name: string, state: string): Promise<void> {
  await waitUntil(
    async () => {
      const rows = gitlab.statuses({ sha, name, includeRetried: false });
      return rows.at(-1)?.status === state && (await posted(delivery))[name]?.state === state;
    },
    `${name} to be ${state} on ${sha.slice(0, 8)}`,
  );
}

function postedSequence(sha: string): string[] {
  return gitlab
    .requests({ method: 'POST', path: `/statuses/${sha}` })
    .map((r) => r.body as { name: string; state: string })
    .map((b) => `${b.name}=${b.state}`);
}

describe('notifier', () => {
  it('posts exactly the expected statuses, in order, for a full delivery, with deployments', async () => {
    const sha = fakeSha('full');
    const d = await create('full', sha);
    // Nothing wrote a status yet: the gateway's plan is reported pending.
    await until('full', sha, 'sluice/deploy:production', 'pending');
    await d.init(['staging', 'production']);
    const steps: [() => Promise<void>, string, string][] = [
      [() => d.start({ name: 'test' }, 'Testing'), 'sluice/test', 'running'],
      [() => d.succeed({ name: 'test' }), 'sluice/test', 'success'],
      [() => d.start({ name: 'build' }, 'Building'), 'sluice/build', 'running'],
      [() => d.succeed({ name: 'build' }), 'sluice/build', 'success'],
      [() => d.start({ name: 'deploy', environment: 'staging' }, 'Deploying'), 'sluice/deploy:staging', 'running'],
      [() => d.succeed({ name: 'deploy', environment: 'staging' }), 'sluice/deploy:staging', 'success'],
      [() => d.start({ name: 'deploy', environment: 'production' }), 'sluice/deploy:production', 'running'],
      [() => d.succeed({ name: 'deploy', environment: 'production' }, 'Live'), 'sluice/deploy:production', 'success'],
    ];
    for (const [step, name, state] of steps) {
      await step();
      await until('full', sha, name, state);
    }
    await waitUntil(async () => (await posted('full'))['sluice/deployment:production']?.state === 'success', 'production deployment recorded');
    await controller.idle();

    expect(postedSequence(sha)).toEqual([
      'sluice/test=pending',
      'sluice/build=pending',
      'sluice/deploy:staging=pending',
      'sluice/deploy:production=pending',
      ...steps.map(([, name, state]) => `${name}=${state}`),
    ]);
    const rows = gitlab.statuses({ sha });
    expect(rows).toHaveLength(4); // each name updated in place: no second row
    expect(rows.every((r) => r.status === 'success' && r.targetUrl === `${PUBLIC}/deliveries/full` && r.ref === 'main')).toBe(true);
    expect(rows.find((r) => r.name === 'sluice/deploy:production')?.description).toBe('Live on production');
    const deployments = gitlab.deployments({ projectId: PROJECT.id }).filter((x) => x.sha === sha);
    expect(deployments.map((x) => [x.environment.name, x.status])).toEqual([
      ['staging', 'success'],
      ['production', 'success'],
    ]);
    // The GitLab deployment id is a field of the record, so updates go to the deployment created first.
    const records = await posted('full');
    expect(['staging', 'production'].map((env) => records[`sluice/deployment:${env}`]?.deploymentId)).toEqual(deployments.map((x) => x.id));
    expect(gitlab.notes()).toEqual([]);
    // Each environment's tier was set once, before its first deployment, and recorded.
    expect(gitlab.environments({ projectId: PROJECT.id }).map((e) => [e.name, e.tier])).toEqual([
      ['staging', 'staging'],
      ['production', 'production'],
    ]);
    expect(
      gitlab
        .requests({ path: /\/projects\/7781\/(environments|deployments)/ })
        .map((r) => `${r.method} ${r.path.replace(/^.*\/projects\/7781\//, '').replace(/\d+$/, ':id')}`),
    ).toEqual([
      'GET environments',
      'POST environments',
      // Looked for first: a create whose answer was lost would have left one to adopt.
      'GET deployments',
      'POST deployments',
      'PUT deployments/:id',
      'GET environments',
      'POST environments',
      'GET deployments',
      'POST deployments',
      'PUT deployments/:id',
    ]);
    const recorded = await posted('full');
    expect([recorded['sluice/environment:staging'], recorded['sluice/environment:production']]).toMatchObject([
      { state: 'success', description: 'tier staging' },
      { state: 'success', description: 'tier production' },
    ]);

    // Every request GitLab received for this Delivery is a CLIENT span in its trace, under the webhook span.
    const spans = telemetry.spans().filter((s) => s.traceId === traceOf('full'));
    expect(spans.every((s) => s.kind === 'client' && s.parentSpanId === traceOf('full').slice(0, 16))).toBe(true);
    // The status calls: every POST, and the read-backs of names first posted in the second the notifier took the lead.
    const readBacks = gitlab.requests({ method: 'GET', path: `/commits/${sha}/statuses` }).length;
    expect(readBacks).toBeLessThanOrEqual(4);
    expect(spans.filter((s) => s.name === 'gitlab.status').length).toBe(postedSequence(sha).length + readBacks);
    expect(spans.filter((s) => s.name === 'gitlab.deployment').map((s) => s.attributes['http.request.method'])).toEqual(['GET', 'POST', 'PUT', 'GET', 'POST', 'PUT']); // each create looked for first
    expect(spans.filter((s) => s.name === 'gitlab.environment').length).toBe(4);
  });

  it('ends a failing delivery failed, with the reason and message in the description', async () => {
    const sha = fakeSha('failing');
    const d = await create('failing', sha, { environments: ['production'] });
    await d.init(['production']);
    await d.start({ name: 'test' }, 'Testing');
    await until('failing', sha, 'sluice/test', 'running');
    await d.fail({ name: 'test' }, 'TestsFailed', '3 of 120 tests failed: test_checkout_total, test_refund, test_tax');
    await until('failing', sha, 'sluice/test', 'failed');
    await until('failing', sha, 'sluice/deploy:production', 'canceled');
    await controller.idle();

    const test = gitlab.statuses({ sha, name: 'sluice/test' });
    expect(test).toHaveLength(1);
    expect(test[0]?.description).toBe('TestsFailed: 3 of 120 tests failed: test_checkout_total, test_refund, test_tax');
    expect(gitlab.statuses({ sha, name: 'sluice/build' }).map((r) => r.status)).toEqual(['canceled']);
    expect(gitlab.deployments().filter((x) => x.sha === sha)).toEqual([]);
  });

  it('catches up to the final statuses after GitLab was down, without replaying stale ones', async () => {
    const sha = fakeSha('outage');
    // GitLab answers 503, then rate-limits (Retry-After: 1 s), then recovers.
    gitlab.inject({ status: 503, times: 6 });
    gitlab.inject({ status: 429, times: 2, retryAfter: 1 });
    gitlab.inject({ status: 502, times: 2 });
    const d = await create('outage', sha, { environments: ['production'] });
    await d.init(['production']);
    await d.start({ name: 'test' }, 'Testing');
    await d.succeed({ name: 'test' });
    await d.start({ name: 'build' }, 'Building');
    await d.succeed({ name: 'build' });
    await d.start({ name: 'deploy', environment: 'production' }, 'Deploying');
    await d.succeed({ name: 'deploy', environment: 'production' }, 'Live');

    for (const name of ['sluice/test', 'sluice/build', 'sluice/deploy:production']) await until('outage', sha, name, 'success');
    await waitUntil(async () => (await posted('outage'))['sluice/deployment:production']?.state === 'success', 'deployment recorded');
    await controller.idle();

    const faults = gitlab.requests().filter((r) => r.fault);
    expect(faults).toHaveLength(10);
    // One row per name, each ending success; the deployment ends success too.
    const rows = gitlab.statuses({ sha });
    expect(rows.map((r) => [r.name, r.status]).sort()).toEqual([
      ['sluice/build', 'success'],
      ['sluice/deploy:production', 'success'],
      ['sluice/test', 'success'],
    ]);
    expect(gitlab.deployments().filter((x) => x.sha === sha).map((x) => x.status)).toEqual(['success']);
    // Every accepted post is the latest state of its name or its first pending: nothing stale after the outage.
    const accepted = gitlab.requests({ method: 'POST', path: `/statuses/${sha}` }).filter((r) => !r.fault && r.status < 300);
    expect(accepted.length).toBeLessThanOrEqual(6);
    // Each failed answer is an error span in the Delivery's trace and a counted GitLab error; nothing is left unsent.
    const failed = telemetry.spans().filter((s) => s.traceId === traceOf('outage') && s.status === 'error');
    expect(failed.map((s) => s.attributes['error.type']).sort()).toEqual(faults.map((r) => String(r.status)).sort());
    const errors = await telemetry.metric('sluice.gitlab.errors');
    expect(errors.reduce((sum, p) => sum + (p.value ?? 0), 0)).toBeGreaterThanOrEqual(10);
    expect(await telemetry.metric('sluice.queue.depth')).toEqual([expect.objectContaining({ value: 0, attributes: { 'sluice.queue': 'notify' } })]);
  });

  it('posts one note on the merge request after an automatic rollback', async () => {
    const sha = fakeSha('rollback');
    const d = await create('rollback', sha, {
      environments: ['production'],
      ref: 'feature-x',
      mergeRequest: { iid: 12, sourceBranch: 'feature-x', targetBranch: 'main' },
    });
    await d.init(['production']);
    await d.start({ name: 'test' }, 'Testing');
    await d.succeed({ name: 'test' });
    await d.start({ name: 'build' }, 'Building');
    await d.succeed({ name: 'build' });
    await d.start({ name: 'deploy', environment: 'production' }, 'Deploying');
    await until('rollback', sha, 'sluice/deploy:production', 'running');
    await d.fail({ name: 'deploy', environment: 'production' }, 'PostPromotionUnhealthy', 'readiness failed on 2 of 2 pods after promotion', 'RolledBack');
    await waitUntil(async () => (await posted('rollback'))['sluice/rollback-note'] !== undefined, 'note recorded');
    await until('rollback', sha, 'sluice/deploy:production', 'failed');
    await controller.idle();

    const notes = gitlab.notes({ projectId: PROJECT.id, mergeRequestIid: 12 });
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toContain('PostPromotionUnhealthy: readiness failed on 2 of 2 pods after promotion');
    expect(notes[0]?.body).toContain('the version that was live before');
    expect(gitlab.deployments().filter((x) => x.sha === sha).map((x) => x.status)).toEqual(['failed']);
  });
});
