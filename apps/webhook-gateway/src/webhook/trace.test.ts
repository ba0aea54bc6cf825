import { randomBytes } from 'node:crypto';
import { signWebhookPayload } from '@sluice/gitlab';
import { KubeError } from '@sluice/kube';
import { createLogger, Readiness } from '@sluice/service';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import { memoryTelemetry, type MemoryTelemetry } from '@sluice/telemetry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApplicationStore } from '../applications.js';
import { createGatewayApp } from '../app.js';
import { DeliveryStore } from '../deliveries.js';
import { application, loadFixture } from '../fixtures/index.js';
import type { IntakeOutcome } from '../intake/act.js';
import { createIntake } from '../intake/intake.js';
import type { IntakePlan } from '../intake/plan.js';
import { createAuthenticator } from './auth.js';
import { createWebhookObserver } from './observe.js';
import { ReplayGuard } from './replay.js';

const TOKEN = 'tok-trace-test';
const SIGNING = `whsec_${randomBytes(32).toString('base64')}`;

let telemetry: MemoryTelemetry;
afterEach(async () => telemetry?.shutdown());

function gateway(options: { failApply?: boolean } = {}) {
  telemetry = memoryTelemetry();
  const applications = new ApplicationStore();
  applications.upsert(application());
  const plans: IntakePlan[] = [];
  const apply = async (plan: IntakePlan): Promise<IntakeOutcome> => {
    plans.push(plan);
    if (options.failApply) throw new KubeError('Unavailable', 'connect ECONNREFUSED');
    if (plan.action !== 'create') throw new Error(`unexpected plan ${plan.action}`);
    return { status: 'accepted', delivery: plan.delivery.metadata.name, superseded: [], supersedeRequested: [] };
  };
  const app = createGatewayApp({
    readiness: new Readiness(),
    webhook: {
      authenticator: createAuthenticator({ secretTokens: [TOKEN], signingTokens: [SIGNING], toleranceSeconds: 300, maxBodyBytes: 65_536 }),
      intake: createIntake({ applications, deliveries: new DeliveryStore(), namespace: 'sluice-system', apply }),
      observer: createWebhookObserver({ meter: telemetry.meter }),
      tracer: telemetry.tracer,
      logger: createLogger({ service: 'gateway-test', level: 'silent' }),
      publicUrl: 'https://sluice.example.test',
      maxBodyBytes: 65_536,
      toleranceSeconds: 300,
      replay: new ReplayGuard(),
    },
  });
  const send = (signature?: string) => {
    const body = loadFixture('push').raw;
    const id = `msg_${randomBytes(6).toString('hex')}`;
    const timestamp = Math.floor(Date.now() / 1000);
    return app.request('/webhooks/gitlab', {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': 'Push Hook',
        'x-gitlab-token': TOKEN,
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature ?? signWebhookPayload({ signingToken: SIGNING, webhookId: id, timestamp, body }),
      },
    });
  };
  return { send, plans };
}

describe('webhook traces', () => {
  it('roots the Delivery trace at the SERVER span, with verification and creation as children, and stores it on the Delivery', async () => {
    const { send, plans } = gateway();
    expect((await send()).status).toBe(202);

    const [root] = telemetry.spansNamed('POST /webhooks/gitlab');
    const [verify] = telemetry.spansNamed('webhook.verify');
    const [create] = telemetry.spansNamed('delivery.create');
    const plan = plans[0];
    const name = plan?.action === 'create' ? plan.delivery.metadata.name : '';
    expect(root).toMatchObject({ kind: 'server', parentSpanId: undefined, status: 'unset' });
    expect(root?.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/webhooks/gitlab', 'http.response.status_code': 202, 'cicd.pipeline.run.id': name });
    expect(verify).toMatchObject({ traceId: root?.traceId, parentSpanId: root?.spanId, status: 'unset' });
    expect(create).toMatchObject({ traceId: root?.traceId, parentSpanId: root?.spanId, status: 'unset' });
    expect(create?.attributes).toMatchObject({ 'sluice.webhook.outcome': 'accepted', 'cicd.pipeline.run.id': name });
    // Verification comes first and the root covers both.
    expect(verify?.endMs).toBeLessThanOrEqual(create?.startMs ?? 0);
    expect(root?.startMs).toBeLessThanOrEqual(verify?.startMs ?? 0);
    // The Delivery carries the root span, so every service continues this trace.
    expect(plan?.action === 'create' && plan.delivery.metadata.annotations[TRACEPARENT_ANNOTATION]).toBe(`00-${root?.traceId}-${root?.spanId}-01`);
  });

  it('marks a bad signature on the verification span and the root, and creates nothing', async () => {
    const { send, plans } = gateway();
    expect((await send('v1,AAAA')).status).toBe(401);
    expect(plans).toEqual([]);
    expect(telemetry.spansNamed('webhook.verify')[0]).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'bad_signature' }) });
    expect(telemetry.spansNamed('POST /webhooks/gitlab')[0]).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'bad_signature', 'http.response.status_code': 401 }) });
    expect(telemetry.spansNamed('delivery.create')).toEqual([]);
    const rejections = await telemetry.metric('sluice.webhook.rejections');
    expect(rejections).toEqual([expect.objectContaining({ value: 1, attributes: { 'error.type': 'bad_signature' } })]);
  });

  it('marks delivery.create failed when the apiserver is unavailable', async () => {
    const { send } = gateway({ failApply: true });
    expect((await send()).status).toBe(503);
    expect(telemetry.spansNamed('delivery.create')[0]).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'kube.Unavailable' }) });
    expect(telemetry.spansNamed('webhook.verify')[0]?.status).toBe('unset');
  });

  it('counts requests by outcome and records their duration in seconds', async () => {
    const { send } = gateway();
    await send();
    const [requests] = await telemetry.metric('sluice.webhook.requests');
    const [duration] = await telemetry.metric('sluice.webhook.duration');
    expect(requests).toMatchObject({ value: 1, attributes: { 'sluice.webhook.outcome': 'accepted' } });
    expect(duration).toMatchObject({ unit: 's', count: 1, attributes: { 'sluice.webhook.outcome': 'accepted' } });
    expect(duration?.sum).toBeLessThan(5);
  });
});
