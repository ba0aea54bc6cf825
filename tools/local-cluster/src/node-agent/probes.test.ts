import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeTracker, probeTiming, resolvePort, runProbe, type ProbeTarget } from './probes.js';

describe('ProbeTracker', () => {
  it('flips to failing only after failureThreshold failures in a row', () => {
    const t = new ProbeTracker(1, 3, true);
    expect([t.record(false), t.record(false), t.record(true), t.record(false), t.record(false)]).toEqual([false, false, false, false, false]);
    expect(t.record(false)).toBe(true);
    expect(t.value).toBe(false);
  });
  it('flips to passing after successThreshold successes in a row', () => {
    const t = new ProbeTracker(2, 1, false);
    expect(t.record(true)).toBe(false);
    expect(t.record(true)).toBe(true);
    expect(t.value).toBe(true);
  });
});

describe('probe settings', () => {
  it('defaults like the API', () => {
    expect(probeTiming({})).toEqual({ initialDelayMs: 0, periodMs: 10_000, timeoutMs: 1000, successThreshold: 1, failureThreshold: 3 });
  });
  it('resolves named ports', () => {
    const c = { name: 'c', image: 'x', ports: [{ name: 'http', containerPort: 8080 }] };
    expect(resolvePort('http', c)).toBe(8080);
    expect(resolvePort(81, c)).toBe(81);
    expect(resolvePort('nope', c)).toBeUndefined();
  });
});

describe('runProbe', () => {
  let server: http.Server;
  let port: number;
  let healthy = true;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.statusCode = req.url === '/healthz' && healthy ? 200 : 503;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const target = (): ProbeTarget => ({
    podIP: '127.0.0.1',
    container: { name: 'c', image: 'x', ports: [{ name: 'web', containerPort: port }] },
    exec: async (cmd) => ({ ok: cmd[0] === 'true' }),
  });

  it('passes an httpGet on 2xx and fails on 5xx', async () => {
    healthy = true;
    expect(await runProbe({ httpGet: { path: '/healthz', port: 'web' as never } }, target())).toEqual({ ok: true });
    healthy = false;
    expect(await runProbe({ httpGet: { path: '/healthz', port: port as never } }, target())).toEqual({
      ok: false,
      output: 'HTTP probe failed with statuscode: 503',
    });
  });

  it('reports a refused connection', async () => {
    const outcome = await runProbe({ tcpSocket: { port: 1 as never } }, target());
    expect(outcome).toEqual({ ok: false, output: 'dial tcp 127.0.0.1:1: connect: connection refused' });
    expect(await runProbe({ tcpSocket: { port: port as never } }, target())).toEqual({ ok: true });
  });

  it('delegates exec probes', async () => {
    expect(await runProbe({ exec: { command: ['true'] } }, target())).toEqual({ ok: true });
  });
});
