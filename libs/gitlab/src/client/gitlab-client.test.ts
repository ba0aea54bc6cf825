import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GitlabError } from '../errors.js';
import { GitlabClient } from './gitlab-client.js';

const TOKEN = 'glpat-test-token-value';
const SHA = 'a84774805e49d7fd67243f0bbad5c49c88f9ad60';
const servers: Server[] = [];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('GitlabClient configuration', () => {
  it.each([
    ['not a URL', 'gitlab.example.com'],
    ['a non-http scheme', 'ftp://gitlab.example.com'],
    ['credentials in the URL', 'https://user:pw@gitlab.example.com'],
    ['the API prefix', 'https://gitlab.example.com/api/v4'],
  ])('rejects a host with %s', (_label, host) => {
    expect(() => new GitlabClient({ host, token: TOKEN })).toThrow(GitlabError);
  });

  it('rejects an empty token file without printing it', () => {
    expect(() => new GitlabClient({ host: 'https://gitlab.example.com', token: ' \n' })).toThrow(/token is empty/);
  });

  it('does not expose the token when inspected or serialised', async () => {
    const { inspect } = await import('node:util');
    const client = new GitlabClient({ host: 'https://gitlab.example.com', token: TOKEN });
    expect(inspect(client, { depth: 10 })).not.toContain(TOKEN);
    expect(JSON.stringify(client)).not.toContain(TOKEN);
  });
});

describe('GitlabClient transport', () => {
  it('sends the trimmed token as PRIVATE-TOKEN to host/api/v4 with a snake_case body', async () => {
    let seen: { url?: string; token?: string; body?: string } = {};
    const host = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { url: req.url, token: req.headers['private-token'] as string, body };
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 1, sha: SHA, ref: 'main', status: 'running', name: 'sluice/test', created_at: '2026-03-09T10:00:00Z' }));
      });
    });
    const client = new GitlabClient({ host: `${host}/`, token: `${TOKEN}\n` });
    const outcome = await client.setCommitStatus({
      projectId: 'storefront/checkout-api',
      sha: SHA,
      state: 'running',
      name: 'sluice/test',
      ref: 'main',
      targetUrl: 'https://sluice.example/d/1',
      pipelineId: 7,
    });
    expect(outcome).toMatchObject({ kind: 'ok', value: { id: 1, status: 'running', targetUrl: null, pipelineId: null } });
    expect(seen.url).toBe(`/api/v4/projects/storefront%2Fcheckout-api/statuses/${SHA}`);
    expect(seen.token).toBe(TOKEN);
    expect(JSON.parse(seen.body ?? '')).toEqual({
      state: 'running',
      name: 'sluice/test',
      ref: 'main',
      target_url: 'https://sluice.example/d/1',
      pipeline_id: 7,
    });
  });

  it('answers retryable without an HTTP status when nothing listens', async () => {
    const host = await listen((_req, res) => res.end());
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const client = new GitlabClient({ host, token: TOKEN });
    const outcome = await client.createCommitComment(1, SHA, 'hi');
    expect(outcome).toMatchObject({ kind: 'retryable', httpStatus: null, message: 'network error: ECONNREFUSED' });
  });

  it('answers retryable when GitLab does not answer within timeoutMs', async () => {
    const host = await listen(() => undefined);
    const client = new GitlabClient({ host, token: TOKEN, timeoutMs: 200 });
    const started = Date.now();
    const outcome = await client.createMergeRequestNote(1, 5, 'hi');
    expect(outcome).toEqual({ kind: 'retryable', httpStatus: null, message: 'request timed out', retryAfterMs: null });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('throws unexpected_response for a 2xx body of the wrong shape', async () => {
    const host = await listen((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"unexpected":true}');
    });
    const client = new GitlabClient({ host, token: TOKEN });
    await expect(client.createMergeRequestNote(1, 5, 'hi')).rejects.toMatchObject({ name: 'GitlabError', code: 'unexpected_response' });
  });
});

describe('GitlabClient.ensureEnvironment', () => {
  type Env = { id: number; name: string; tier: string | null; external_url: string | null };

  /** A fake environments API recording `METHOD path` and bodies. */
  async function environmentsApi(initial: Env[]) {
    const environments = [...initial];
    const seen: string[] = [];
    const bodies: unknown[] = [];
    const host = await listen((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        seen.push(`${req.method} ${url.pathname}${url.search}`);
        const body = text ? (JSON.parse(text) as Record<string, string>) : {};
        if (text) bodies.push(body);
        const reply = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        if (req.method === 'GET') return reply(200, environments.filter((e) => e.name === url.searchParams.get('name')));
        if (req.method === 'POST') {
          const created = { id: 50 + environments.length, name: body.name ?? '', tier: body.tier ?? null, external_url: null };
          environments.push(created);
          return reply(201, created);
        }
        const existing = environments.find((e) => url.pathname.endsWith(`/environments/${e.id}`));
        if (!existing) return reply(404, { message: '404 Environment Not Found' });
        existing.tier = body.tier ?? existing.tier;
        return reply(200, existing);
      });
    });
    return { client: new GitlabClient({ host, token: TOKEN }), seen, bodies };
  }

  it('creates a missing environment with the tier', async () => {
    const { client, seen, bodies } = await environmentsApi([{ id: 1, name: 'production-eu', tier: 'production', external_url: null }]);
    const outcome = await client.ensureEnvironment({ projectId: 'team/app', name: 'staging', tier: 'staging' });
    expect(outcome).toEqual({ kind: 'ok', value: { id: 51, name: 'staging', tier: 'staging', externalUrl: null } });
    expect(seen).toEqual(['GET /api/v4/projects/team%2Fapp/environments?name=staging', 'POST /api/v4/projects/team%2Fapp/environments']);
    expect(bodies).toEqual([{ name: 'staging', tier: 'staging' }]);
  });

  it('edits the tier of an existing environment when it differs', async () => {
    const { client, seen, bodies } = await environmentsApi([{ id: 9, name: 'production', tier: null, external_url: 'https://x' }]);
    const outcome = await client.ensureEnvironment({ projectId: 7, name: 'production', tier: 'production' });
    expect(outcome).toEqual({ kind: 'ok', value: { id: 9, name: 'production', tier: 'production', externalUrl: 'https://x' } });
    expect(seen).toEqual(['GET /api/v4/projects/7/environments?name=production', 'PUT /api/v4/projects/7/environments/9']);
    expect(bodies).toEqual([{ tier: 'production' }]);
  });

  it('changes nothing when the environment already has the tier', async () => {
    const { client, seen } = await environmentsApi([{ id: 9, name: 'review', tier: 'other', external_url: null }]);
    expect(await client.ensureEnvironment({ projectId: 7, name: 'review', tier: 'other' })).toEqual({
      kind: 'ok',
      value: { id: 9, name: 'review', tier: 'other', externalUrl: null },
    });
    expect(seen).toEqual(['GET /api/v4/projects/7/environments?name=review']);
  });

  it('uses an environment created between its lookup and its create', async () => {
    const seen: string[] = [];
    let gets = 0;
    const host = await listen((req, res) => {
      seen.push(req.method ?? '');
      req.resume();
      req.on('end', () => {
        res.writeHead(req.method === 'POST' ? 400 : 200, { 'content-type': 'application/json' });
        if (req.method === 'POST') return res.end('{"message":{"name":["has already been taken"]}}');
        if (req.method === 'PUT') return res.end('{"id":3,"name":"staging","tier":"staging"}');
        gets += 1;
        res.end(gets === 1 ? '[]' : '[{"id":3,"name":"staging","tier":null}]');
      });
    });
    const client = new GitlabClient({ host, token: TOKEN });
    expect(await client.ensureEnvironment({ projectId: 7, name: 'staging', tier: 'staging' })).toEqual({
      kind: 'ok',
      value: { id: 3, name: 'staging', tier: 'staging', externalUrl: null },
    });
    expect(seen).toEqual(['GET', 'POST', 'GET', 'PUT']);
  });

  it('returns the failing lookup as its outcome without creating anything', async () => {
    const seen: string[] = [];
    const host = await listen((req, res) => {
      seen.push(req.method ?? '');
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"message":"403 Forbidden"}');
    });
    const client = new GitlabClient({ host, token: TOKEN });
    expect(await client.ensureEnvironment({ projectId: 7, name: 'staging', tier: 'staging' })).toMatchObject({ kind: 'rejected', httpStatus: 403 });
    expect(seen).toEqual(['GET']);
  });
});
