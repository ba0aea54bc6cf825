import { EventEmitter } from 'node:events';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from './errors.js';
import { healthRoutes } from './health.js';
import { createLogger } from './logger.js';
import { Readiness } from './readiness.js';
import { runService, type RunningService, type RunServiceOptions } from './run-service.js';

const running: RunningService[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.stop('test cleanup')));
});

function harness(overrides: Partial<RunServiceOptions> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ service: 'svc', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  const signals = new EventEmitter();
  const readiness = new Readiness();
  const app = new Hono().route('/', healthRoutes({ readiness }));
  let exited: (code: number) => void = () => undefined;
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  const start = async (): Promise<RunningService> => {
    const service = await runService({
      logger,
      port: 0,
      host: '127.0.0.1',
      app,
      readiness,
      signals,
      exit: (code) => exited(code),
      ...overrides,
    });
    running.push(service);
    return service;
  };
  return { app, lines, signals, readiness, exitCode, start };
}

describe('runService', () => {
  it('serves the app and logs started with the bound port', async () => {
    const h = harness();
    const service = await h.start();
    const res = await fetch(`http://127.0.0.1:${service.port}/healthz`);
    expect(res.status).toBe(200);
    expect(h.lines.find((l) => l['msg'] === 'started')).toMatchObject({ port: service.port, host: '127.0.0.1', service: 'svc' });
  });

  it('lets a preflight answer the requests it takes, and hands every other one to the app', async () => {
    const h = harness({
      preflight: (req, res) => {
        if (req.url !== '/teapot') return false;
        res.writeHead(418, { 'content-type': 'text/plain' }).end('short and stout');
        return true;
      },
    });
    const service = await h.start();
    const teapot = await fetch(`http://127.0.0.1:${service.port}/teapot`);
    expect([teapot.status, await teapot.text()]).toEqual([418, 'short and stout']);
    expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
  });

  it('on SIGTERM drains, stops accepting, runs hooks in order and exits 0', async () => {
    const order: string[] = [];
    const h = harness({
      onShutdown: [
        { name: 'controllers', run: async () => void order.push('controllers') },
        { name: 'telemetry', run: () => void order.push('telemetry') },
      ],
    });
    const service = await h.start();
    h.signals.emit('SIGTERM', 'SIGTERM');

    expect(await h.exitCode).toBe(0);
    expect(order).toEqual(['controllers', 'telemetry']);
    expect(h.readiness.draining).toBe(true);
    await expect(fetch(`http://127.0.0.1:${service.port}/healthz`)).rejects.toThrow();
    expect(h.lines.map((l) => l['msg'])).toEqual(['started', 'stopping', 'stopped']);
    expect(h.lines[1]).toMatchObject({ reason: 'SIGTERM' });
  });

  it('lets an in-flight request finish before exiting', async () => {
    let release: () => void = () => undefined;
    const h = harness();
    h.app.get('/slow', async (c) => {
      await new Promise<void>((resolve) => (release = resolve));
      return c.text('done');
    });
    const service = await h.start();
    const pending = fetch(`http://127.0.0.1:${service.port}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    h.signals.emit('SIGINT', 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect(await (await pending).text()).toBe('done');
    expect(await h.exitCode).toBe(0);
  });

  it('exits 1 within the timeout when a hook hangs', async () => {
    const h = harness({ shutdownTimeoutMs: 200, onShutdown: [{ name: 'stuck', run: () => new Promise(() => undefined) }] });
    await h.start();
    const began = Date.now();
    h.signals.emit('SIGTERM', 'SIGTERM');
    expect(await h.exitCode).toBe(1);
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(h.lines.find((l) => l['hook'] === 'stuck')).toMatchObject({ level: 'warn' });
  });

  it('still runs later hooks after one fails, then exits 1', async () => {
    let flushed = false;
    const h = harness({
      onShutdown: [
        { name: 'broken', run: () => Promise.reject(new Error('nope')) },
        { name: 'telemetry', run: () => void (flushed = true) },
      ],
    });
    await h.start();
    h.signals.emit('SIGTERM', 'SIGTERM');
    expect(await h.exitCode).toBe(1);
    expect(flushed).toBe(true);
    expect(h.lines.find((l) => l['hook'] === 'broken')).toMatchObject({ level: 'error', msg: 'shutdown hook failed' });
  });

  it('exits 1 at once on a second signal', async () => {
    const codes: number[] = [];
    const h = harness({ exit: (code) => void codes.push(code), onShutdown: [{ name: 'slow', run: () => new Promise((r) => setTimeout(r, 200)) }] });
    await h.start();
    h.signals.emit('SIGTERM', 'SIGTERM');
    h.signals.emit('SIGINT', 'SIGINT');
    expect(codes).toEqual([1]);
  });

  it('rejects with listen_failed when the port is taken', async () => {
    const first = await harness().start();
    const error = await harness({ port: first.port })
      .start()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: 'listen_failed' });
  });
});
