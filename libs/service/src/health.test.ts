import { describe, expect, it } from 'vitest';
import { ServiceError } from './errors.js';
import { healthRoutes } from './health.js';
import { Readiness } from './readiness.js';

describe('healthRoutes', () => {
  it('answers /healthz with 200 without running readiness checks', async () => {
    let ran = false;
    const app = healthRoutes({ readiness: new Readiness({ slow: () => ((ran = true), false) }) });
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(ran).toBe(false);
  });

  it('is ready with no checks registered', async () => {
    const res = await healthRoutes().request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
  });

  it('is ready only when every check passes', async () => {
    const app = healthRoutes({ readiness: new Readiness({ kube: () => true, informer: async () => true }) });
    const res = await app.request('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { shutdown: 'ok', kube: 'ok', informer: 'ok' } });
  });

  it('answers 503 naming the checks that returned false, threw or timed out', async () => {
    const readiness = new Readiness({
      kube: () => true,
      informer: () => false,
      gitlab: () => Promise.reject(new Error('boom')),
      slow: () => new Promise<boolean>(() => undefined),
    });
    const res = await healthRoutes({ readiness, checkTimeoutMs: 50 }).request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      failed: ['informer', 'gitlab', 'slow'],
      checks: { shutdown: 'ok', kube: 'ok', informer: 'failed', gitlab: 'failed', slow: 'timed_out' },
    });
  });

  it('turns not ready once draining, while staying alive', async () => {
    const readiness = new Readiness({ kube: () => true });
    const app = healthRoutes({ readiness });
    readiness.drain();
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ failed: ['shutdown'] });
    expect((await app.request('/healthz')).status).toBe(200);
  });

  it('refuses two checks with one name', () => {
    const readiness = new Readiness({ kube: () => true });
    expect(() => readiness.add('kube', () => true)).toThrow(ServiceError);
    expect(() => readiness.add('shutdown', () => true)).toThrow(/pick a unique name/);
  });
});
