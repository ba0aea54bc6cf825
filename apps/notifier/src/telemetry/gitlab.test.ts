import { startGitlabStandIn, type GitlabStandIn } from '@sluice/gitlab-stand-in';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import { memoryTelemetry, type MemoryTelemetry } from '@sluice/telemetry/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../gitlab-client.js';
import { deliveryObject, fakeSha } from '../testing/delivery.testkit.js';
import { NotifierTelemetry } from './gitlab.js';

const TOKEN = 'glpat-telemetry-test';
const PROJECT = { id: 7781, path: 'platform/inventory-svc' };
const TRACE = '6bf92f3577b34da6a3ce929d0e0e4736';
const WEBHOOK = '20f067aa0ba902b7';

let gitlab: GitlabStandIn;
let telemetry: MemoryTelemetry;
beforeAll(async () => {
  gitlab = await startGitlabStandIn({ token: TOKEN, projects: [PROJECT] });
});
afterAll(async () => gitlab?.close());
afterEach(async () => {
  gitlab.clearFaults();
  await telemetry?.shutdown();
});

async function setup() {
  telemetry = memoryTelemetry();
  const notifier = new NotifierTelemetry(telemetry);
  const client = await createGitlabClient({ url: gitlab.url, token: TOKEN, timeoutMs: 2_000, wrapDispatcher: (inner) => notifier.dispatcher(inner) });
  const delivery = deliveryObject({ name: 'traced', namespace: 'sluice-system', sha: fakeSha('traced'), project: PROJECT });
  delivery.metadata.annotations = { ...delivery.metadata.annotations, [TRACEPARENT_ANNOTATION]: `00-${TRACE}-${WEBHOOK}-01` };
  return { notifier, client, delivery };
}

describe('GitLab request spans', () => {
  it('records a commit status post as a CLIENT span in the Delivery trace, with the answer GitLab gave', async () => {
    const { notifier, client, delivery } = await setup();
    const outcome = await notifier.forDelivery(delivery, () =>
      client.setCommitStatus({ projectId: PROJECT.id, sha: delivery.spec.checkoutSha, ref: 'main', name: 'sluice/test', state: 'running' }),
    );
    expect(outcome.kind).toBe('ok');
    const [span] = telemetry.spansNamed('gitlab.status');
    expect(span).toMatchObject({ kind: 'client', traceId: TRACE, parentSpanId: WEBHOOK, status: 'unset' });
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.template': '/api/v4/projects/{id}/statuses/{sha}',
      'http.response.status_code': 201,
      'server.address': '127.0.0.1',
      'sluice.gitlab.operation': 'status',
    });
  });

  it('marks a refused or throttled request as an error and counts it by operation, status and error type', async () => {
    const { notifier, client, delivery } = await setup();
    gitlab.inject({ status: 429, retryAfter: 1, path: '/deployments' });
    gitlab.inject({ status: 403, path: '/notes' });
    const throttled = await notifier.forDelivery(delivery, () =>
      client.createDeployment({ projectId: PROJECT.id, environment: 'production', sha: delivery.spec.checkoutSha, ref: 'main', tag: false, status: 'running' }),
    );
    expect(throttled.kind).toBe('retryable');
    const refused = await notifier.forDelivery(delivery, () => client.createMergeRequestNote(PROJECT.id, 12, 'hello'));
    expect(refused.kind).toBe('rejected');

    expect(telemetry.spansNamed('gitlab.deployment')[0]).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': '429', 'http.response.status_code': 429 }) });
    expect(telemetry.spansNamed('gitlab.note')[0]).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': '403' }) });
    const errors = await telemetry.metric('sluice.gitlab.errors');
    expect(errors.map((p) => p.attributes).sort((a, b) => String(a['error.type']).localeCompare(String(b['error.type'])))).toEqual([
      { 'sluice.gitlab.operation': 'note', 'error.type': '403', 'http.response.status_code': 403 },
      { 'sluice.gitlab.operation': 'deployment', 'error.type': '429', 'http.response.status_code': 429 },
    ]);
  });

  it('still traces a request @sluice/gitlab does not name, and counts its failure as operation other', async () => {
    const { notifier, delivery } = await setup();
    // Any request through the client's dispatcher, e.g. one a newer client method makes that has no route yet.
    const response = await notifier.forDelivery(delivery, () =>
      fetch(`${gitlab.url}/api/v4/projects/${PROJECT.id}/environments/1`, { method: 'DELETE', headers: { 'PRIVATE-TOKEN': TOKEN }, dispatcher: notifier.dispatcher() as never } as RequestInit),
    );
    await response.text();
    expect(response.status).toBeGreaterThanOrEqual(400);

    const [span] = telemetry.spansNamed('gitlab.other');
    expect(span).toMatchObject({ kind: 'client', traceId: TRACE, parentSpanId: WEBHOOK, status: 'error' });
    expect(span?.attributes).toMatchObject({ 'http.request.method': 'DELETE', 'sluice.gitlab.operation': 'other', 'error.type': String(response.status) });
    // No template for an unknown path: the raw one (ids, SHAs) would be unbounded.
    expect(span?.attributes['url.template']).toBeUndefined();
    expect((await telemetry.metric('sluice.gitlab.errors')).map((p) => p.attributes)).toEqual([
      { 'sluice.gitlab.operation': 'other', 'error.type': String(response.status), 'http.response.status_code': response.status },
    ]);
  });

  it('gives each request of a multi-request call its own span', async () => {
    const { notifier, client, delivery } = await setup();
    await notifier.forDelivery(delivery, () => client.ensureEnvironment({ projectId: PROJECT.id, name: 'staging', tier: 'staging' }));
    const spans = telemetry.spansNamed('gitlab.environment');
    expect(spans.map((s) => s.attributes['http.request.method'])).toEqual(['GET', 'POST']);
    expect(spans.every((s) => s.parentSpanId === WEBHOOK)).toBe(true);
  });

  it('reports the posts not yet made, summed over Deliveries', async () => {
    const { notifier } = await setup();
    notifier.unsent('ns/a', 3);
    notifier.unsent('ns/b', 2);
    notifier.unsent('ns/a', 0);
    expect(await telemetry.metric('sluice.queue.depth')).toEqual([expect.objectContaining({ value: 2, attributes: { 'sluice.queue': 'notify' } })]);
  });
});
