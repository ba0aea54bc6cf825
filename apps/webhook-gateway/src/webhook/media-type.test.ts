import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AnswerEnv, WebhookAnswer } from './answer.js';
import { jsonMediaType } from './media-type.js';

/** Just the media-type step, a handler that says it was reached, and a probe of the answer left for observe.ts. */
function app() {
  const answers: (WebhookAnswer | undefined)[] = [];
  const hono = new Hono<AnswerEnv>().post(
    '/',
    async (c, next) => {
      await next();
      answers.push(c.get('webhookAnswer'));
    },
    jsonMediaType(),
    (c) => c.json({ reached: true }),
  );
  const send = (contentType: string | undefined) =>
    // Bytes, not a string: a string body would get a default `text/plain` content type.
    hono.request('/', { method: 'POST', body: new TextEncoder().encode('{}'), headers: contentType === undefined ? {} : { 'content-type': contentType } });
  return { send, answers };
}

describe('jsonMediaType', () => {
  it.each([['application/json'], ['application/json; charset=utf-8'], ['Application/JSON']])('lets %s through', async (contentType) => {
    const { send } = app();
    const res = await send(contentType);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ reached: true });
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['a look-alike', 'application/jsonp'],
    ['a missing content type', undefined],
  ])('refuses %s with 415 unsupported_media_type, saying what it got', async (_, contentType) => {
    const { send, answers } = app();
    const res = await send(contentType);
    expect(res.status).toBe(415);
    const shown = contentType ?? '';
    expect(await res.json()).toEqual({ status: 'rejected', reason: 'unsupported_media_type', detail: `Content-Type must be application/json, not "${shown}"` });
    expect(answers).toEqual([expect.objectContaining({ outcome: 'rejected', reason: 'unsupported_media_type' })]);
  });
});
