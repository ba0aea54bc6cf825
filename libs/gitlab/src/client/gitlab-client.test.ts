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
