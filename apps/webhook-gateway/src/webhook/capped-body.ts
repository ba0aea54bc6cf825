import { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { reject, type AnswerVariables } from './answer.js';
import { readCappedBody } from './body.js';

/** What {@link cappedBody} hands on: the raw body, at most the cap. */
export interface CappedBodyVariables {
  body: Uint8Array;
}

/** Options of {@link cappedBody}. */
export interface CappedBodyOptions {
  /** Largest body read, in bytes. */
  readonly maxBytes: number;
}

/**
 * Reads the body into `c.var.body`, never holding more than `maxBytes`: a
 * declared `Content-Length` above the cap is refused before reading, and a
 * body that passes the cap while streaming (chunked, or longer than it
 * declared) stops being read there → 413 `too_large`. A body that breaks off,
 * or a `Content-Length` that is not a number, is 400 `malformed`.
 */
export function cappedBody(options: CappedBodyOptions) {
  const { maxBytes } = options;
  return createMiddleware<{ Variables: AnswerVariables & CappedBodyVariables }>(async (c, next) => {
    const body = await readCappedBody(c.req.raw, maxBytes, nodeRequest(c));
    if (!body.ok) return reject(c, body.reason, body.detail);
    c.set('body', body.body);
    await next();
  });
}

/** The Node request under `c` when served by @hono/node-server; absent in-process (`app.request`). */
function nodeRequest(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
}
