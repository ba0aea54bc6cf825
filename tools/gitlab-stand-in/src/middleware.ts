import type { MiddlewareHandler } from 'hono';
import type { StandInEnv } from './env.js';
import { defaultFaultBody } from './faults.js';
import type { RecordedRequest, StandInStore } from './store.js';

const API_PREFIX = '/api/v4';

/**
 * Records every API request (method, path, query, redacted headers, parsed
 * body) and, after the handler, the status answered. Also merges query and
 * body into `params`, as Grape does.
 */
export function recordAndParse(store: StandInStore): MiddlewareHandler<StandInEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const body = readBody(c.req.raw.headers.get('content-type'), await c.req.text());
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedRequest = {
      method: c.req.method,
      path: url.pathname,
      query,
      headers: redactedHeaders(c.req.raw.headers),
      body,
      authenticated: presentedToken(c.req.raw.headers) === store.options.token,
      status: 0,
      fault: false,
      at: store.now(),
    };
    store.requests.push(record);
    c.set('params', { ...query, ...(isRecord(body) ? body : {}) });
    const fault = store.faults.take(c.req.method, url.pathname.slice(API_PREFIX.length));
    if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.status !== undefined) {
      record.fault = true;
      record.status = fault.status;
      const answer = defaultFaultBody(fault.status);
      const headers: Record<string, string> = { 'content-type': answer.contentType };
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
      const text = fault.message === undefined ? answer.body : JSON.stringify({ message: fault.message });
      if (fault.message !== undefined) headers['content-type'] = 'application/json';
      return new Response(text, { status: fault.status, headers });
    }
    await next();
    record.status = c.res.status;
  };
}

/** `401 Unauthorized` unless the request carries the configured token. */
export function requireToken(store: StandInStore): MiddlewareHandler<StandInEnv> {
  return async (c, next) => {
    if (presentedToken(c.req.raw.headers) !== store.options.token) return c.json({ message: '401 Unauthorized' }, 401);
    await next();
  };
}

/** Resolves `:id` (numeric or URL-encoded path) to a project, or `404 Project Not Found`. */
export function resolveProject(store: StandInStore): MiddlewareHandler<StandInEnv> {
  return async (c, next) => {
    const project = store.findProject(c.req.param('id') ?? '');
    if (!project) return c.json({ message: '404 Project Not Found' }, 404);
    c.set('project', project);
    await next();
  };
}

function presentedToken(headers: Headers): string | undefined {
  const privateToken = headers.get('private-token');
  if (privateToken !== null) return privateToken;
  const bearer = /^Bearer (.+)$/i.exec(headers.get('authorization') ?? '');
  return bearer?.[1];
}

const CREDENTIAL_HEADERS = new Set(['private-token', 'authorization', 'job-token']);

function redactedHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = CREDENTIAL_HEADERS.has(key) ? '[redacted]' : value;
  });
  return out;
}

function readBody(contentType: string | null, text: string): unknown {
  if (text.length === 0) return null;
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
