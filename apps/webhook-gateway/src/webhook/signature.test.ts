import { randomBytes } from 'node:crypto';
import { signWebhookPayload } from '@sluice/gitlab';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AnswerVariables, WebhookAnswer } from './answer.js';
import { createAuthenticator } from './auth.js';
import type { CappedBodyVariables } from './capped-body.js';
import { ReplayGuard } from './replay.js';
import { webhookSignature } from './signature.js';

const SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const PREVIOUS_SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const NOW = new Date('2026-04-02T09:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);
const BODY = '{"object_kind":"push"}';

/**
 * Just the signature step, after a stand-in for `cappedBody` (the raw body
 * into `c.var.body`), with a handler that reports what it got — or answers
 * `error` like a failed intake when asked to — and a probe of the answer.
 */
function app(options: { signingTokens?: string[] } = {}) {
  const authenticator = createAuthenticator({
    secretTokens: ['tok'],
    signingTokens: options.signingTokens ?? [SIGNING, PREVIOUS_SIGNING],
    toleranceSeconds: 300,
    maxBodyBytes: 1024,
    now: () => NOW,
  });
  const answers: (WebhookAnswer | undefined)[] = [];
  let failNext = false;
  const hono = new Hono<{ Variables: AnswerVariables & CappedBodyVariables }>().post(
    '/',
    async (c, next) => {
      await next();
      answers.push(c.get('webhookAnswer'));
    },
    async (c, next) => {
      c.set('body', new Uint8Array(await c.req.arrayBuffer()));
      await next();
    },
    webhookSignature({ authenticator, replay: new ReplayGuard({ now: () => NOW.getTime() }), toleranceSeconds: 300 }),
    (c) => {
      if (failNext) {
        failNext = false;
        c.set('webhookAnswer', { outcome: 'error', errorType: 'kube.Unavailable' });
        return c.json({ status: 'error', reason: 'unavailable' }, 503);
      }
      return c.json({ reached: true, body: new TextDecoder().decode(c.var.body) });
    },
  );
  const send = (headers: Record<string, string>, body = BODY) => hono.request('/', { method: 'POST', body, headers });
  return { send, answers, failNext: () => (failNext = true) };
}

function signed(options: { id?: string; timestamp?: number; body?: string; token?: string } = {}): Record<string, string> {
  const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const timestamp = options.timestamp ?? TS;
  const signature = signWebhookPayload({ signingToken: options.token ?? SIGNING, webhookId: id, timestamp, body: options.body ?? BODY });
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

describe('webhookSignature', () => {
  it('hands on a body signed with any configured signing token', async () => {
    const { send, answers } = app();
    for (const token of [SIGNING, PREVIOUS_SIGNING]) {
      const res = await send(signed({ token }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ reached: true, body: BODY });
    }
    expect(answers).toEqual([undefined, undefined]);
  });

  it.each([
    ['no signature at all', {}],
    ['a signature by another key', signed({ token: `whsec_${randomBytes(32).toString('base64')}` })],
    ['a body changed after signing', signed({ body: BODY.replace('push', 'tag_push') })],
    ['a garbled signature', { ...signed(), 'webhook-signature': 'v1,AAAA' }],
  ])('refuses %s with 401 bad_signature and no detail', async (_, headers) => {
    const { send, answers } = app();
    const res = await send(headers);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ status: 'rejected', reason: 'bad_signature' });
    expect(answers).toEqual([expect.objectContaining({ outcome: 'rejected', reason: 'bad_signature' })]);
  });

  it.each([
    ['too old', TS - 301],
    ['in the future', TS + 301],
  ])('refuses an authentic signature whose timestamp is %s with 401 stale_timestamp', async (_, timestamp) => {
    const res = await app().send(signed({ timestamp }));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ status: 'rejected', reason: 'stale_timestamp' });
  });

  it('accepts timestamps at the edges of the window', async () => {
    const { send } = app();
    for (const timestamp of [TS - 300, TS + 300]) expect((await send(signed({ timestamp }))).status).toBe(200);
  });

  it('refuses the same signed message sent again with 409 replay', async () => {
    const { send, answers } = app();
    const headers = signed({ id: 'msg_replayed' });
    expect((await send(headers)).status).toBe(200);
    const replayed = await send(headers);
    expect(replayed.status).toBe(409);
    expect(await replayed.json()).toEqual({ status: 'rejected', reason: 'replay' });
    expect(answers[1]).toEqual(expect.objectContaining({ outcome: 'rejected', reason: 'replay' }));
  });

  it('lets a message that was answered with an error (nothing acknowledged) be sent again', async () => {
    const { send, failNext } = app();
    const headers = signed({ id: 'msg_retry' });
    failNext();
    expect((await send(headers)).status).toBe(503);
    expect((await send(headers)).status).toBe(200);
    expect((await send(headers)).status).toBe(409);
  });

  it('lets everything through when no signing token is configured', async () => {
    const res = await app({ signingTokens: [] }).send({});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reached: true, body: BODY });
  });
});
