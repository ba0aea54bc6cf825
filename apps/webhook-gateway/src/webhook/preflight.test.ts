import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@sluice/service';
import { memoryTelemetry, type MemoryTelemetry } from '@sluice/telemetry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from './auth.js';
import { createWebhookObserver } from './observe.js';
import { badTokenPreflight } from './preflight.js';

let telemetry: MemoryTelemetry;
let server: Server;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  await telemetry?.shutdown();
});

/** A Node server whose preflight is the gateway's; what it does not answer, a stand-in app answers 299 after reading the body. */
async function start() {
  telemetry = memoryTelemetry();
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'gateway-test', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const authenticator = createAuthenticator({ secretTokens: ['s3cret-global'], toleranceSeconds: 300, maxBodyBytes: 1024 });
  const preflight = badTokenPreflight({ authenticator, observer: createWebhookObserver({ meter: telemetry.meter }), logger });
  const reachedApp: string[] = [];
  server = createServer((req, res) => {
    if (preflight(req, res)) return;
    let body = '';
    req.on('data', (chunk: Buffer) => (body += String(chunk)));
    req.on('end', () => {
      reachedApp.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(299).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (path: string, headers: Record<string, string>, body = '{"object_kind":"push"}') => fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { post, lines, reachedApp, url };
}

describe('badTokenPreflight', () => {
  it('answers a webhook with a wrong or missing token 401 bad_token itself, with its request id, counted and logged, without reading the body', async () => {
    const { post, lines, reachedApp } = await start();
    const wrong = await post('/webhooks/gitlab', { 'x-gitlab-token': 'guess', 'x-request-id': 'req-42' });
    expect([wrong.status, wrong.headers.get('x-request-id'), await wrong.json()]).toEqual([401, 'req-42', { status: 'rejected', reason: 'bad_token' }]);
    const missing = await post('/webhooks/gitlab', { 'x-request-id': 'not a plausible id!' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(reachedApp).toEqual([]);
    expect(await telemetry.metric('sluice.webhook.rejections')).toEqual([expect.objectContaining({ value: 2, attributes: { 'error.type': 'bad_token' } })]);
    expect(await telemetry.metric('sluice.webhook.requests')).toEqual([expect.objectContaining({ value: 2, attributes: { 'sluice.webhook.outcome': 'rejected' } })]);
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'webhook rejected', reason: 'bad_token', requestId: 'req-42', detail: 'X-Gitlab-Token does not match any configured secret' }),
      expect.objectContaining({ msg: 'webhook rejected', reason: 'bad_token', detail: 'X-Gitlab-Token header is missing' }),
    ]);
    expect(telemetry.spans()).toEqual([]);
  });

  it('logs a flood of bad tokens at the observer’s rate limit while counting every one', async () => {
    const { post, lines } = await start();
    for (let i = 0; i < 20; i++) await post('/webhooks/gitlab', { 'x-gitlab-token': `guess-${i}` });
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(await telemetry.metric('sluice.webhook.rejections')).toEqual([expect.objectContaining({ value: 20 })]);
  });

  it('hands a webhook with a good token, and every other request, to the app', async () => {
    const { post, url, reachedApp } = await start();
    expect((await post('/webhooks/gitlab', { 'x-gitlab-token': 's3cret-global' })).status).toBe(299);
    expect((await post('/webhooks/other', { 'x-gitlab-token': 'guess' })).status).toBe(299);
    expect((await fetch(`${url}/webhooks/gitlab`)).status).toBe(299);
    expect(reachedApp).toEqual(['POST /webhooks/gitlab {"object_kind":"push"}', 'POST /webhooks/other {"object_kind":"push"}', 'GET /webhooks/gitlab ']);
    expect(await telemetry.metric('sluice.webhook.rejections')).toEqual([]);
  });
});
