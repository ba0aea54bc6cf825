import { randomBytes, randomUUID } from 'node:crypto';
import { API_GROUP_VERSION, type DeliverySpec } from '@sluice/delivery';
import { signWebhookPayload } from '@sluice/gitlab';
import type { KubeObject } from '@sluice/kube';
import type { MemoryTelemetry } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationObject, fakeSha, FIXTURE_PROJECT, loadFixture, pushPayload } from './fixtures/index.js';
import type { Gateway } from './gateway.js';
import { adminClient, createNamespace, deleteNamespace, installCrds, startTestGateway, type TestGateway } from './testing/cluster.testkit.js';

/*
 * Issue 19 on the real (local) control plane: each project can only ever
 * deliver itself. One test per way through; each asserts the answer's
 * reason AND that no Delivery exists afterwards.
 *
 *   inventory  project 7781  Secret inventory-hook {token}
 *   billing    project 9200  Secret billing-hook   {token, signingKey}
 *   signed     project 9400  Secret signed-hook    {signingKey}
 *   orphan     project 9500  names Secret gone-hook, which does not exist
 *   legacy     project 9300  no Secret: the global token still verifies it (migration)
 *   renamed    project 9600  path team/old-name (a new project 9601 now has that path)
 *   twin-a/b   project 9700  claimed twice
 */
const GLOBAL_TOKEN = 'global-token-int';
const INVENTORY_TOKEN = 'inventory-token-int';
const BILLING_TOKEN = 'billing-token-int';
const BILLING_SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const SIGNED_SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const FORK_URL = 'https://evil.example.test/attacker/inventory-svc.git';

const admin = adminClient();
let namespace: string;
let hooks: string;
let started: TestGateway | undefined;
let gateway: Gateway;
let telemetry: MemoryTelemetry;

type StoredDelivery = KubeObject & { spec: DeliverySpec };

interface Project {
  readonly id: number;
  readonly path: string;
}

function pushTo(project: Project, seed: string): { body: string; sha: string } {
  const sha = fakeSha(seed);
  const json = pushPayload('trunk', fakeSha(`${seed}-parent`), sha);
  const base = json['project'] as Record<string, unknown>;
  return { sha, body: JSON.stringify({ ...json, project_id: project.id, project: { ...base, id: project.id, path_with_namespace: project.path } }) };
}

function send(body: string, headers: Record<string, string>, event = 'Push Hook'): Promise<Response> {
  return Promise.resolve(
    gateway.app.request('/webhooks/gitlab', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-gitlab-event': event, 'idempotency-key': randomUUID(), ...headers },
    }),
  );
}

function signed(signingToken: string, body: string): Record<string, string> {
  const id = `msg_${randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhookPayload({ signingToken, webhookId: id, timestamp, body }) };
}

async function deliveriesOf(sha: string): Promise<StoredDelivery[]> {
  const { items } = await admin.list<StoredDelivery>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace }, { labelSelector: `sluice.dev/sha=${sha}` });
  return items;
}

async function rejections(reason: string): Promise<number> {
  return (await telemetry.metric('sluice.webhook.rejections')).find((p) => p.attributes['error.type'] === reason)?.value ?? 0;
}

async function expectAnswer(response: Response, status: number, reason: string): Promise<{ detail?: string }> {
  const body = (await response.json()) as { status: string; reason?: string; detail?: string };
  expect({ status: response.status, reason: body.reason }).toEqual({ status, reason });
  return body;
}

function secret(name: string, stringData: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: hooks }, type: 'Opaque', stringData };
}

const app = (name: string, project: Project, secretName?: string) =>
  applicationObject(name, namespace, { project, ...(secretName && { webhook: { secretName } }) });

beforeAll(async () => {
  await installCrds(admin);
  namespace = await createNamespace(admin, 'gw-iso');
  hooks = await createNamespace(admin, 'gw-iso-hooks');
  await admin.create(secret('inventory-hook', { token: INVENTORY_TOKEN }));
  await admin.create(secret('billing-hook', { token: BILLING_TOKEN, signingKey: BILLING_SIGNING }));
  await admin.create(secret('signed-hook', { signingKey: SIGNED_SIGNING }));
  for (const object of [
    app('inventory', FIXTURE_PROJECT, 'inventory-hook'),
    app('billing', { id: 9200, path: 'billing/api' }, 'billing-hook'),
    app('signed', { id: 9400, path: 'payments/signed' }, 'signed-hook'),
    app('orphan', { id: 9500, path: 'ops/orphan' }, 'gone-hook'),
    app('legacy', { id: 9300, path: 'legacy/app' }),
    app('renamed', { id: 9600, path: 'team/old-name' }),
    app('twin-a', { id: 9700, path: 'shared/twin' }),
    app('twin-b', { id: 9700, path: 'shared/twin' }),
  ]) {
    await admin.create(object);
  }
  started = await startTestGateway({ namespace, secretTokens: [GLOBAL_TOKEN], webhookSecretsNamespace: hooks, service: 'gateway-isolation-test' });
  ({ gateway, telemetry } = started);
});

afterAll(async () => {
  await started?.stop();
  if (namespace) await deleteNamespace(admin, namespace);
  if (hooks) await deleteNamespace(admin, hooks);
});

describe('each project can only ever deliver itself (webhook gateway, real cluster)', () => {
  it("(a) refuses billing's token on a push to inventory: 401 foreign_secret, no Delivery; inventory's own token delivers", async () => {
    const counted = await rejections('foreign_secret');
    const forged = pushTo(FIXTURE_PROJECT, 'iso-foreign-token');
    await expectAnswer(await send(forged.body, { 'x-gitlab-token': BILLING_TOKEN }), 401, 'foreign_secret');
    expect(await deliveriesOf(forged.sha)).toEqual([]);
    // Counted like every other refusal.
    expect(await rejections('foreign_secret')).toBe(counted + 1);

    const own = pushTo(FIXTURE_PROJECT, 'iso-own-token');
    expect((await send(own.body, { 'x-gitlab-token': INVENTORY_TOKEN })).status).toBe(202);
    expect((await deliveriesOf(own.sha)).map((d) => d.spec.application)).toEqual(['inventory']);
  });

  it("(a) refuses a push signed with billing's signing key to a project that signs with its own: 401 foreign_secret, no Delivery", async () => {
    const project = { id: 9400, path: 'payments/signed' };
    const forged = pushTo(project, 'iso-foreign-signature');
    await expectAnswer(await send(forged.body, { 'x-gitlab-token': GLOBAL_TOKEN, ...signed(BILLING_SIGNING, forged.body) }), 401, 'foreign_secret');
    expect(await deliveriesOf(forged.sha)).toEqual([]);

    const unsigned = pushTo(project, 'iso-unsigned');
    await expectAnswer(await send(unsigned.body, { 'x-gitlab-token': GLOBAL_TOKEN }), 401, 'bad_signature');
    expect(await deliveriesOf(unsigned.sha)).toEqual([]);

    const own = pushTo(project, 'iso-own-signature');
    expect((await send(own.body, { 'x-gitlab-token': GLOBAL_TOKEN, ...signed(SIGNED_SIGNING, own.body) })).status).toBe(202);
    expect(await deliveriesOf(own.sha)).toHaveLength(1);
  });

  it('(a) refuses the global token for a project with its own Secret, and still takes it for one without', async () => {
    const forged = pushTo(FIXTURE_PROJECT, 'iso-global-for-own');
    await expectAnswer(await send(forged.body, { 'x-gitlab-token': GLOBAL_TOKEN }), 401, 'foreign_secret');
    expect(await deliveriesOf(forged.sha)).toEqual([]);

    const legacy = pushTo({ id: 9300, path: 'legacy/app' }, 'iso-global-legacy');
    expect((await send(legacy.body, { 'x-gitlab-token': GLOBAL_TOKEN })).status).toBe(202);
    expect((await deliveriesOf(legacy.sha)).map((d) => d.spec.application)).toEqual(['legacy']);

    const intoLegacy = pushTo({ id: 9300, path: 'legacy/app' }, 'iso-foreign-into-legacy');
    await expectAnswer(await send(intoLegacy.body, { 'x-gitlab-token': INVENTORY_TOKEN }), 401, 'foreign_secret');
    expect(await deliveriesOf(intoLegacy.sha)).toEqual([]);
  });

  it('(a) refuses every webhook of a project whose named Secret does not exist, the global token included: foreign_secret, no Delivery', async () => {
    const push = pushTo({ id: 9500, path: 'ops/orphan' }, 'iso-missing-secret');
    const body = await expectAnswer(await send(push.body, { 'x-gitlab-token': GLOBAL_TOKEN }), 401, 'foreign_secret');
    expect(body.detail).toMatch(/gone-hook .*does not exist/);
    expect(await deliveriesOf(push.sha)).toEqual([]);
  });

  it("(b) ignores a new project that took a renamed project's old path: no_application, no Delivery", async () => {
    const push = pushTo({ id: 9601, path: 'team/old-name' }, 'iso-path-reuse');
    await expectAnswer(await send(push.body, { 'x-gitlab-token': GLOBAL_TOKEN }), 200, 'no_application');
    expect(await deliveriesOf(push.sha)).toEqual([]);
  });

  it('(c) ignores a project two Applications claim: ambiguous_application naming both, no Delivery', async () => {
    const push = pushTo({ id: 9700, path: 'shared/twin' }, 'iso-ambiguous');
    const body = await expectAnswer(await send(push.body, { 'x-gitlab-token': GLOBAL_TOKEN }), 200, 'ambiguous_application');
    expect(body.detail).toContain('twin-a, twin-b');
    expect(await deliveriesOf(push.sha)).toEqual([]);
  });

  it("(d) clones a fork's merge request from the Application's repository: the fork's URL is nowhere in the stored Delivery", async () => {
    const fixture = loadFixture('merge-request-open-fork');
    const body = fixture.raw
      .toString('utf8')
      .replaceAll('https://gitlab.example.test/lharuki/inventory-svc.git', FORK_URL)
      .replaceAll('git@gitlab.example.test:lharuki/inventory-svc.git', 'git@evil.example.test:attacker/inventory-svc.git');
    const sha = (fixture.json['object_attributes'] as { last_commit: { id: string } }).last_commit.id;
    expect(body).toContain(FORK_URL);

    const response = await send(body, { 'x-gitlab-token': INVENTORY_TOKEN }, fixture.event);
    expect(response.status).toBe(202);
    const [stored, ...more] = await deliveriesOf(sha);
    expect(more).toEqual([]);
    expect(stored?.spec.repositoryUrl).toBe(applicationObject('inventory', namespace).spec.repositoryUrl);
    expect(stored?.spec.refType).toBe('merge_request');
    expect(JSON.stringify(stored)).not.toContain('evil.example.test');
  });
});
