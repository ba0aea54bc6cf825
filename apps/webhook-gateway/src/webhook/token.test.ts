import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AnswerEnv, WebhookAnswer } from './answer.js';
import { createAuthenticator } from './auth.js';
import { gitlabToken } from './token.js';

const CURRENT = 'tok-2026-current';
const PREVIOUS = 'tok-2025-previous';

/** Just the token step, a handler that says it was reached, and a probe of the answer left for observe.ts. */
function app() {
  const authenticator = createAuthenticator({ secretTokens: [CURRENT, PREVIOUS], toleranceSeconds: 300, maxBodyBytes: 1024 });
  const answers: (WebhookAnswer | undefined)[] = [];
  const hono = new Hono<AnswerEnv>().post(
    '/',
    async (c, next) => {
      await next();
      answers.push(c.get('webhookAnswer'));
    },
    gitlabToken({ authenticator }),
    (c) => c.json({ reached: true }),
  );
  const send = (token?: string, body?: ReadableStream<Uint8Array>) =>
    hono.request('/', { method: 'POST', headers: token === undefined ? {} : { 'x-gitlab-token': token }, body: body ?? '{}', ...(body && { duplex: 'half' }) } as RequestInit);
  return { send, answers };
}

describe('gitlabToken', () => {
  it.each([
    ['the current secret', CURRENT],
    ['the previous secret, during a rotation', PREVIOUS],
  ])('lets a request with %s through', async (_, token) => {
    const { send, answers } = app();
    const res = await send(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reached: true });
    expect(answers).toEqual([undefined]);
  });

  it.each([
    ['a wrong token', 'nope'],
    ['a prefix of a secret', CURRENT.slice(0, -1)],
    ['a secret with a suffix', `${PREVIOUS}x`],
    ['an empty token', ''],
    ['no token at all', undefined],
  ])('refuses %s with 401 bad_token, no detail, and leaves the reason for observe', async (_, token) => {
    const { send, answers } = app();
    const res = await send(token);
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ status: 'rejected', reason: 'bad_token' });
    expect(body).not.toContain(CURRENT);
    expect(answers).toEqual([{ outcome: 'rejected', reason: 'bad_token', detail: expect.any(String) }]);
  });

  it('refuses a bad token without reading a byte of the body', async () => {
    const { send } = app();
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({ pull: (c) => void (pulls++, c.enqueue(new Uint8Array(1024))) }, { highWaterMark: 0 });
    expect((await send('nope', body)).status).toBe(401);
    expect(pulls).toBe(0);
  });
});
