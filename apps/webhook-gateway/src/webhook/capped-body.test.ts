import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import type { AnswerVariables, WebhookAnswer } from './answer.js';
import { cappedBody, type CappedBodyVariables } from './capped-body.js';

const CAP = 64 * 1024;

/** Just the body step, a handler that reports the body it got, and a probe of the answer left for observe.ts. */
function app() {
  const answers: (WebhookAnswer | undefined)[] = [];
  const hono = new Hono<{ Variables: AnswerVariables & CappedBodyVariables }>().post(
    '/',
    async (c, next) => {
      await next();
      answers.push(c.get('webhookAnswer'));
    },
    cappedBody({ maxBytes: CAP }),
    (c) => c.json({ bytes: c.var.body.byteLength, text: new TextDecoder().decode(c.var.body) }),
  );
  const send = (body: NonNullable<RequestInit['body']>, headers: Record<string, string> = {}) =>
    hono.request('/', { method: 'POST', body, headers, ...(body instanceof ReadableStream && { duplex: 'half' }) } as RequestInit);
  return { hono, send, answers };
}

/** A chunked body of `chunks` chunks of `bytes` each ('a's), counting how often it is pulled; `fail`: breaks off at the end. */
function stream(chunks: number, bytes: number, counter: { pulls: number } = { pulls: 0 }, fail = false): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        counter.pulls += 1;
        if (sent === chunks) return fail ? controller.error(new Error('connection reset')) : controller.close();
        sent += 1;
        controller.enqueue(new Uint8Array(bytes).fill(0x61));
      },
    },
    { highWaterMark: 0 },
  );
}

describe('cappedBody', () => {
  it('hands on the whole body when it is within the cap', async () => {
    const { send, answers } = app();
    const res = await send('{"object_kind":"push"}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ bytes: 22, text: '{"object_kind":"push"}' });
    expect(answers).toEqual([undefined]);
  });

  it('hands on a chunked body of exactly the cap', async () => {
    const res = await app().send(stream(4, CAP / 4));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ bytes: CAP });
  });

  it('refuses a declared Content-Length over the cap with 413 before reading a byte', async () => {
    const { send, answers } = app();
    const counter = { pulls: 0 };
    const res = await send(stream(1, 10, counter), { 'content-length': String(CAP + 1) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ status: 'rejected', reason: 'too_large', detail: `body exceeds ${CAP} bytes (at least ${CAP + 1})` });
    expect(counter.pulls).toBe(0);
    expect(answers).toEqual([expect.objectContaining({ outcome: 'rejected', reason: 'too_large' })]);
  });

  it('caps a body longer than the Content-Length it declared while reading it', async () => {
    const counter = { pulls: 0 };
    const res = await app().send(stream(Number.POSITIVE_INFINITY, 16 * 1024, counter), { 'content-length': '10' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ reason: 'too_large' });
    // Five 16 KiB chunks pass 64 KiB: reading stopped there.
    expect(counter.pulls).toBeLessThanOrEqual(6);
  });

  it('caps an endless chunked body while reading it', async () => {
    const counter = { pulls: 0 };
    const res = await app().send(stream(Number.POSITIVE_INFINITY, 16 * 1024, counter));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 'rejected', reason: 'too_large' });
    expect(counter.pulls).toBeLessThanOrEqual(6);
  });

  it('refuses a Content-Length that is not a number with 400 malformed', async () => {
    const res = await app().send(stream(1, 10), { 'content-length': '1e3' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: 'rejected', reason: 'malformed', detail: 'Content-Length is not a number' });
  });

  it('refuses a body that breaks off mid-stream with 400 malformed', async () => {
    const res = await app().send(stream(2, 10, undefined, true));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: 'rejected', reason: 'malformed', detail: 'request body ended before it was complete' });
  });

  it("behind Node's HTTP server, stops reading a chunked upload as soon as it passes the cap", async () => {
    const { hono, answers } = app();
    const server = createAdaptorServer({ fetch: hono.fetch }) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/' });
    // The server answers and closes while the pump still writes: the client sees the 413, or, when the close
    // resets the connection under its writes first, an error (EPIPE / ECONNRESET) — never neither.
    const answered = new Promise<IncomingMessage | undefined>((resolve) => {
      req.on('response', resolve);
      req.on('error', () => resolve(undefined));
    });
    const chunk = Buffer.alloc(16 * 1024, 0x61);
    // Keep writing until the server answers: a reader that buffered everything first would never answer.
    const pump = setInterval(() => req.write(chunk), 1);
    await vi.waitFor(() => expect(answers).toHaveLength(1), { timeout: 30_000 });
    expect(answers[0]).toMatchObject({ outcome: 'rejected', reason: 'too_large' });
    const res = await answered;
    clearInterval(pump);
    if (res !== undefined) {
      expect(res.statusCode).toBe(413);
      const [data] = (await once(res, 'data')) as [Buffer];
      expect(JSON.parse(data.toString())).toMatchObject({ status: 'rejected', reason: 'too_large' });
    }
    req.destroy();
    server.closeAllConnections();
    server.close();
  });
});
