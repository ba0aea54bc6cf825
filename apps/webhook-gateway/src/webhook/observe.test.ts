import { createLogger } from '@sluice/service';
import { memoryTelemetry, type MemoryTelemetry } from '@sluice/telemetry/testing';
import { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reject, type AnswerVariables } from './answer.js';
import { createWebhookObserver, observeWebhook, type ArrivalVariables } from './observe.js';
import { endVerification, webhookSpans, type SpanVariables } from './spans.js';

let telemetry: MemoryTelemetry;
afterEach(async () => telemetry?.shutdown());

type Env = { Variables: RequestIdVariables & ArrivalVariables & AnswerVariables & SpanVariables };

/**
 * `observeWebhook` around the steps of the route, played by stand-ins that
 * answer as the request's `x-step` header says: refused before the spans
 * (like the token), refused while verifying, accepted, or throwing.
 */
function app() {
  telemetry = memoryTelemetry();
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'gateway-test', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const hono = new Hono<Env>().post(
    '/',
    observeWebhook({ observer: createWebhookObserver({ meter: telemetry.meter }), logger }),
    async (c, next) => (c.req.header('x-step') === 'token' ? reject(c, 'bad_token', 'matches no secret') : next()),
    webhookSpans({ tracer: telemetry.tracer, signed: true }),
    async (c, next) => (c.req.header('x-step') === 'verify' ? reject(c, 'too_large', 'body exceeds 10 bytes') : next()),
    (c) => {
      endVerification(c);
      if (c.req.header('x-step') === 'throw') throw new Error('a bug');
      c.set('webhookAnswer', { outcome: 'accepted', delivery: 'app-7781-abc' });
      return c.json({ status: 'accepted' }, 202);
    },
  );
  const send = (step: string) => hono.request('/', { method: 'POST', headers: { 'x-step': step } });
  return { send, lines };
}

describe('observeWebhook', () => {
  it('counts and logs a rejection before the spans, and starts no span for it', async () => {
    const { send, lines } = app();
    expect((await send('token')).status).toBe(401);
    expect(await telemetry.metric('sluice.webhook.rejections')).toEqual([expect.objectContaining({ value: 1, attributes: { 'error.type': 'bad_token' } })]);
    expect(await telemetry.metric('sluice.webhook.requests')).toEqual([expect.objectContaining({ value: 1, attributes: { 'sluice.webhook.outcome': 'rejected' } })]);
    expect(telemetry.spans()).toEqual([]);
    expect(lines).toEqual([expect.objectContaining({ msg: 'webhook rejected', reason: 'bad_token', detail: 'matches no secret' })]);
  });

  it('marks a rejection while verifying on webhook.verify and on the SERVER span, with the status', async () => {
    const { send } = app();
    expect((await send('verify')).status).toBe(413);
    expect(telemetry.spansNamed('webhook.verify')[0]).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'too_large' }) });
    expect(telemetry.spansNamed('POST /webhooks/gitlab')[0]).toMatchObject({
      status: 'error',
      attributes: expect.objectContaining({ 'error.type': 'too_large', 'http.response.status_code': 413, 'sluice.webhook.outcome': 'rejected' }),
    });
    expect(await telemetry.metric('sluice.webhook.rejections')).toEqual([expect.objectContaining({ value: 1, attributes: { 'error.type': 'too_large' } })]);
  });

  it('ends an accepted webhook with its Delivery on the SERVER span and counts it with its duration', async () => {
    const { send } = app();
    expect((await send('accept')).status).toBe(202);
    const [root] = telemetry.spansNamed('POST /webhooks/gitlab');
    expect(root).toMatchObject({ kind: 'server', status: 'unset' });
    expect(root?.attributes).toMatchObject({ 'http.response.status_code': 202, 'sluice.webhook.outcome': 'accepted', 'cicd.pipeline.run.id': 'app-7781-abc' });
    expect(telemetry.spansNamed('webhook.verify')[0]?.status).toBe('unset');
    expect(await telemetry.metric('sluice.webhook.duration')).toEqual([expect.objectContaining({ count: 1, attributes: { 'sluice.webhook.outcome': 'accepted' } })]);
    expect(await telemetry.metric('sluice.webhook.rejections')).toEqual([]);
  });

  it('counts a step that threw as an error and ends its spans failed', async () => {
    const { send } = app();
    // Hono's default error handler prints the error; keep the test output clean.
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect((await send('throw')).status).toBe(500);
    printed.mockRestore();
    expect(await telemetry.metric('sluice.webhook.requests')).toEqual([expect.objectContaining({ attributes: { 'sluice.webhook.outcome': 'error' } })]);
    expect(telemetry.spansNamed('POST /webhooks/gitlab')[0]).toMatchObject({ status: 'error', attributes: expect.objectContaining({ 'error.type': 'InternalError', 'http.response.status_code': 500 }) });
  });
});
