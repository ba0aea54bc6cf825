import { randomUUID } from 'node:crypto';
import { API_GROUP_VERSION, deliveryName, type DeliveryStatus } from '@sluice/delivery';
import { createKubeClient, type KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import type { MemoryTelemetry } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationObject, branchDeletionPayload, fakeSha, FIXTURE_PROJECT, pushPayload } from './fixtures/index.js';
import { createGateway, type Gateway } from './gateway.js';
import { adminClient, createNamespace, deleteNamespace, installCrds, startTestGateway, waitUntil, type TestGateway } from './testing/cluster.testkit.js';

const TOKEN = 'int-test-token';
const admin = adminClient();
let namespace: string;
let started: TestGateway | undefined;
let gateway: Gateway;
let telemetry: MemoryTelemetry;

type StoredDelivery = KubeObject & { spec: { checkoutSha: string; ref: string; environments?: string[] }; status?: DeliveryStatus };

function send(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(
    gateway.app.request('/webhooks/gitlab', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-gitlab-token': TOKEN, 'x-gitlab-event': 'Push Hook', 'idempotency-key': randomUUID(), ...headers },
    }),
  );
}

function get(name: string): Promise<StoredDelivery | undefined> {
  return admin.get<StoredDelivery>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name });
}

async function deliveriesOf(sha: string): Promise<StoredDelivery[]> {
  const { items } = await admin.list<StoredDelivery>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace }, { labelSelector: `sluice.dev/sha=${sha}` });
  return items;
}

/** Waits until the gateway's own cache has seen `name`, as it would have by the time a person pushes again. */
function seenByGateway(name: string): Promise<void> {
  return waitUntil(() => gateway.deliveries.get(name) !== undefined, `the gateway to see Delivery ${name}`);
}

beforeAll(async () => {
  await installCrds(admin);
  namespace = await createNamespace(admin, 'gw-int');
  await admin.create(applicationObject('inventory', namespace));
  started = await startTestGateway({ namespace, secretTokens: [TOKEN], service: 'gateway-int-test' });
  ({ gateway, telemetry } = started);
});

afterAll(async () => {
  await started?.stop();
  if (namespace) await deleteNamespace(admin, namespace);
});

describe('webhook gateway on a real cluster', () => {
  it('creates exactly one Delivery for a push sent 10 times concurrently', async () => {
    const sha = fakeSha('concurrent');
    const body = pushPayload('trunk', fakeSha('concurrent-parent'), sha);
    const responses = await Promise.all(Array.from({ length: 10 }, () => send(body)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { status: string; delivery: string }[];
    const name = deliveryName({ project: FIXTURE_PROJECT.id, ref: 'refs/heads/trunk', sha });

    expect(responses.filter((r) => r.status === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(9);
    expect(bodies.filter((b) => b.status === 'accepted')).toHaveLength(1);
    expect(new Set(bodies.map((b) => b.delivery))).toEqual(new Set([name]));
    const stored = await deliveriesOf(sha);
    expect(stored.map((d) => d.metadata.name)).toEqual([name]);
  });

  it('answers 202 only once the Delivery exists, carrying the webhook trace and where it goes', async () => {
    const sha = fakeSha('traced');
    const res = await send(pushPayload('trunk', fakeSha('traced-parent'), sha));
    expect(res.status).toBe(202);
    const { delivery } = (await res.json()) as { delivery: string };
    const stored = await get(delivery);
    expect(stored?.spec.checkoutSha).toBe(sha);
    expect(stored?.metadata.annotations?.[TRACEPARENT_ANNOTATION]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(stored?.spec.environments).toEqual(['staging', 'production']);
    // Status belongs to the controllers; until one writes it, the Delivery is Pending.
    expect(stored?.status).toBeUndefined();
  });

  it('answers a repeated Idempotency-Key with the Delivery it made, creating nothing', async () => {
    const key = randomUUID();
    const first = await send(pushPayload('trunk', fakeSha('key-parent'), fakeSha('key-1')), { 'idempotency-key': key });
    const { delivery } = (await first.json()) as { delivery: string };
    await seenByGateway(delivery);
    const again = await send(pushPayload('trunk', fakeSha('key-parent'), fakeSha('key-2')), { 'idempotency-key': key });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate', delivery });
    expect(await deliveriesOf(fakeSha('key-2'))).toEqual([]);
  });

  it('marks the older unfinished Delivery of a branch Superseded when a newer push arrives', async () => {
    const branch = 'release/2026.04';
    const older = (await (await send(pushPayload(branch, fakeSha('r0'), fakeSha('r1')))).json()) as { delivery: string };
    const other = (await (await send(pushPayload('release/2026.05', fakeSha('r0'), fakeSha('r9')))).json()) as { delivery: string };
    // The test-runner has started on the older one.
    await admin.updateStatus({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name: older.delivery }, () => ({
      phase: 'Testing',
      stages: [{ name: 'test', state: 'running', startedAt: new Date().toISOString() }, { name: 'build', state: 'pending' }],
      posted: {},
    }));
    await waitUntil(() => gateway.deliveries.get(older.delivery)?.phase === 'Testing', 'the gateway to see the older Delivery Testing');
    await seenByGateway(other.delivery);

    const supersededCount = async () =>
      (await telemetry.metric('sluice.delivery.duration')).find((p) => p.attributes['error.type'] === 'Superseded' && p.attributes['cicd.pipeline.result'] === 'cancellation')?.count ?? 0;
    const countedBefore = await supersededCount();
    const res = await send(pushPayload(branch, fakeSha('r1'), fakeSha('r2')));
    expect(res.status).toBe(202);
    const newer = (await res.json()) as { delivery: string; superseded: string[] };
    expect(newer.superseded).toEqual([older.delivery]);

    const superseded = await get(older.delivery);
    expect(superseded?.status).toMatchObject({ phase: 'Superseded', reason: 'Superseded', supersededBy: newer.delivery });
    expect(superseded?.status?.stages.map((s) => s.state)).toEqual(['canceled', 'canceled']);
    // The gateway's write ended it, so the gateway counts its duration, once.
    expect(await supersededCount()).toBe(countedBefore + 1);
    expect((await get(newer.delivery))?.status).toBeUndefined();
    expect((await get(other.delivery))?.status).toBeUndefined();
  });

  it('two pushes of a branch at the same moment: the later one supersedes the earlier, never both going on', async () => {
    const branch = 'release/2026.07';
    const [a, b] = await Promise.all([send(pushPayload(branch, fakeSha('t0'), fakeSha('t1'))), send(pushPayload(branch, fakeSha('t1'), fakeSha('t2')))]);
    const answers = (await Promise.all([a.json(), b.json()])) as { delivery: string; superseded: string[] }[];
    const [first, second] = answers as [{ delivery: string; superseded: string[] }, { delivery: string; superseded: string[] }];
    // Whichever the gateway took second supersedes the other.
    const later = first.superseded.includes(second.delivery) ? first : second;
    const earlier = later === first ? second : first;
    expect(later.superseded).toEqual([earlier.delivery]);
    expect(earlier.superseded).toEqual([]);
    expect((await get(earlier.delivery))?.status).toMatchObject({ phase: 'Superseded', supersededBy: later.delivery });
  });

  it('leaves an older Delivery that is deploying to finish its environment, with the supersede requested', async () => {
    const branch = 'release/2026.06';
    const older = (await (await send(pushPayload(branch, fakeSha('s0'), fakeSha('s1')))).json()) as { delivery: string };
    // The deployer has switched traffic and is baking the older one.
    const baking = {
      phase: 'Verifying',
      stages: [
        { name: 'test', state: 'succeeded' },
        { name: 'build', state: 'succeeded' },
        { name: 'deploy', environment: 'production', state: 'running', startedAt: new Date().toISOString() },
      ],
      posted: {},
    };
    await admin.updateStatus({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name: older.delivery }, () => baking);
    await waitUntil(() => gateway.deliveries.get(older.delivery)?.phase === 'Verifying', 'the gateway to see the older Delivery Verifying');

    const res = await send(pushPayload(branch, fakeSha('s1'), fakeSha('s2')));
    expect(res.status).toBe(202);
    const newer = (await res.json()) as { delivery: string; superseded: string[]; supersedeRequested: string[] };
    expect(newer).toMatchObject({ superseded: [], supersedeRequested: [older.delivery] });
    const status = (await get(older.delivery))?.status;
    expect(status).toMatchObject({ phase: 'Verifying', endRequested: { phase: 'Superseded', supersededBy: newer.delivery } });
    expect(status?.stages.map((s) => s.state)).toEqual(['succeeded', 'succeeded', 'running']);
  });

  it('cancels the unfinished Deliveries of a deleted branch and nothing else', async () => {
    const branch = 'feature/short-lived';
    const doomed = (await (await send(pushPayload(branch, fakeSha('f0'), fakeSha('f1')))).json()) as { delivery: string };
    const bystander = (await (await send(pushPayload('feature/long-lived', fakeSha('f0'), fakeSha('f2')))).json()) as { delivery: string };
    await seenByGateway(doomed.delivery);
    await seenByGateway(bystander.delivery);

    const res = await send(branchDeletionPayload(branch, fakeSha('f1')));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ignored', reason: 'ref_deleted', canceled: [doomed.delivery] });
    expect((await get(doomed.delivery))?.status).toMatchObject({ phase: 'Canceled', reason: 'Canceled' });
    expect((await get(bystander.delivery))?.status).toBeUndefined();

    // Deleting it again finds nothing left to cancel.
    const again = await send(branchDeletionPayload(branch, fakeSha('f1')));
    expect(await again.json()).toMatchObject({ status: 'ignored', reason: 'ref_deleted' });
  });

  it('is ready once synced, and not ready while the apiserver does not answer', async () => {
    expect(await (await gateway.app.request('/readyz')).json()).toMatchObject({
      status: 'ready',
      checks: { kubernetes: 'ok', applications: 'ok', deliveries: 'ok', 'webhook-secrets': 'ok' },
    });
    const unreachable = createGateway({
      client: createKubeClient({ mode: 'explicit', server: 'http://127.0.0.1:1' }, { fieldManager: 'gw' }),
      namespace,
      secrets: { secretTokens: [TOKEN], signingTokens: [] },
      telemetry,
      logger: createLogger({ service: 'gateway-int-test', level: 'silent' }),
      publicUrl: 'https://sluice.example.test',
      maxBodyBytes: 1024,
      toleranceSeconds: 300,
    });
    try {
      const res = await unreachable.app.request('/readyz');
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not_ready', failed: ['kubernetes', 'applications', 'deliveries', 'webhook-secrets'] });
    } finally {
      await unreachable.shutdownHook.run();
    }
  });
});
