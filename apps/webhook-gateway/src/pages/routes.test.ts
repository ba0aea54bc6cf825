import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryObject } from './delivery.testkit.js';
import { runPageRoutes } from './routes.js';
import { RunPageStore } from './store.js';

const NS = 'sluice-system';
const RUNNING = {
  phase: 'Testing' as const,
  stages: [
    { name: 'test' as const, state: 'running' as const, startedAt: '2026-04-02T08:00:10.000Z' },
    { name: 'build' as const, state: 'pending' as const },
  ],
};
const LIVE = {
  phase: 'Live' as const,
  stages: [
    { name: 'test' as const, state: 'succeeded' as const, startedAt: '2026-04-02T08:00:10.000Z', finishedAt: '2026-04-02T08:01:00.000Z' },
    { name: 'build' as const, state: 'succeeded' as const, startedAt: '2026-04-02T08:01:00.000Z', finishedAt: '2026-04-02T08:02:00.000Z' },
  ],
};

function pages(objects: ReturnType<typeof deliveryObject>[], options: { grafana?: boolean; publicUrl?: string } = {}) {
  const store = new RunPageStore();
  for (const object of objects) store.upsert(object);
  return runPageRoutes({
    source: store,
    publicUrl: options.publicUrl ?? 'https://sluice.example.test',
    now: () => new Date('2026-04-02T08:05:00.000Z'),
    ...(options.grafana && { grafana: { url: 'https://grafana.example.test', tempoDatasource: 'tempo' } }),
  });
}

describe('run pages over HTTP', () => {
  const running = deliveryObject(NS, { ref: 'trunk', title: 'Tune the reservation timeout', status: RUNNING });
  const live = deliveryObject(NS, { ref: 'release/2026.04', application: 'billing', title: 'Ship billing', receivedAt: '2026-04-02T07:00:00.000Z', status: LIVE });

  it('shows a Delivery: title, phase, stages and their states, and reloads while it runs', async () => {
    const res = await pages([running]).request(`/deliveries/${running.metadata.name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const body = await res.text();
    expect(body.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(body).toContain('<h1 data-title="">Tune the reservation timeout</h1>');
    expect(body).toContain('data-phase="Testing"');
    expect(body).toContain('data-stage="test" data-state="running"');
    expect(body).toContain('data-stage="build" data-state="pending"');
    expect(body).toContain('<meta http-equiv="refresh" content="2"/>');
  });

  it('stops reloading once the Delivery is final', async () => {
    const body = await (await pages([live]).request(`/deliveries/${live.metadata.name}`)).text();
    expect(body).toContain('data-phase="Live"');
    expect(body).not.toContain('http-equiv="refresh"');
  });

  it('says where a Live Delivery serves now and, for a replaced one, by which Delivery (linked) and when; the list says which is live now', async () => {
    const first = deliveryObject(NS, { ref: 'trunk', title: 'First', receivedAt: '2026-04-02T07:00:00.000Z', status: LIVE });
    const second = deliveryObject(NS, { ref: 'trunk', title: 'Second', receivedAt: '2026-04-02T07:30:00.000Z', status: { ...LIVE, liveIn: ['production'] } });
    const replaced = { ...first, status: { ...first.status, replaced: [{ environment: 'production', by: second.metadata.name, at: '2026-04-02T07:40:00.000Z' }] } } as typeof first;
    const routes = pages([replaced, second]);
    const old = await (await routes.request(`/deliveries/${first.metadata.name}`)).text();
    expect(old).toContain('data-phase="Live"');
    expect(old).toContain(`Replaced by <a href="/deliveries/${second.metadata.name}">${second.metadata.name}</a> at 2026-04-02 07:40:00 UTC in production`);
    expect(old).not.toContain('data-live-in');
    const now = await (await routes.request(`/deliveries/${second.metadata.name}`)).text();
    expect(now).toContain('<div class="outcome tone-success" data-traffic=""><p data-live-in="production">Live in production</p></div>');
    const list = await (await routes.request('/deliveries')).text();
    expect(list).toContain(`<p data-live-now="">Live now: inventory production <a href="/deliveries/${second.metadata.name}">${second.metadata.name}</a></p>`);
    expect(list).toContain('<div class="muted" data-replaced="">replaced</div>');
    expect(list).toContain('<div data-live-in="production">live in production</div>');
  });

  it('sends strict security headers, and a CSP that allows exactly the page stylesheet', async () => {
    const res = await pages([running]).request(`/deliveries/${running.metadata.name}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /);
    expect(csp).not.toContain('unsafe-inline');
    // The stylesheet is rendered byte for byte, so its hash is the one the CSP allows.
    const css = /<style>([\s\S]*?)<\/style>/.exec(await res.text())?.[1] ?? '';
    expect(css.length).toBeGreaterThan(100);
    expect(csp).toContain(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
  });

  it('renders HTML in commit messages and branch names as text', async () => {
    const evil = deliveryObject(NS, {
      ref: 'feature/<img/src=x/onerror=alert(1)>',
      title: '<script>alert(1)</script><b>bold</b>',
      status: RUNNING,
    });
    const app = pages([evil]);
    for (const path of [`/deliveries/${evil.metadata.name}`, '/deliveries', `/deliveries?branch=${encodeURIComponent(evil.spec.ref)}`]) {
      const body = await (await app.request(path)).text();
      expect(body).not.toMatch(/<script|<img|<b>bold/i);
      expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;');
      expect(body).toContain('feature/&lt;img/src=x/onerror=alert(1)&gt;');
    }
  });

  it('lists Deliveries newest first and filters them by application and branch', async () => {
    const app = pages([running, live]);
    const all = await (await app.request('/deliveries')).text();
    expect(all.indexOf(running.metadata.name)).toBeLessThan(all.indexOf(live.metadata.name));
    expect(all).toContain('data-matching="2"');

    const billing = await (await app.request('/deliveries?application=billing')).text();
    expect(billing).toContain(`data-delivery="${live.metadata.name}"`);
    expect(billing).not.toContain(`data-delivery="${running.metadata.name}"`);

    const trunk = await (await app.request('/deliveries?branch=trunk')).text();
    expect(trunk).toContain(`data-delivery="${running.metadata.name}"`);
    expect(trunk).not.toContain(`data-delivery="${live.metadata.name}"`);
    expect((await (await app.request('/deliveries?branch=nothing-here')).text())).toContain('No delivery matches these filters.');
  });

  it('answers 404 for an unknown Delivery, and never echoes a name that is not one', async () => {
    const app = pages([running]);
    const unknown = await app.request('/deliveries/trunk-0000000-00000000');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('No Delivery named <code>trunk-0000000-00000000</code>');

    const invalid = await app.request(`/deliveries/${encodeURIComponent('"><script>alert(1)</script>')}`);
    expect(invalid.status).toBe(404);
    expect(invalid.headers.get('content-security-policy')).toContain("default-src 'none'");
    const body = await invalid.text();
    expect(body).toContain('That is not a Delivery name.');
    expect(body).not.toContain('alert(1)');
  });

  it('is read-only: GET and HEAD work, anything else is 405', async () => {
    const app = pages([running]);
    const head = await app.request(`/deliveries/${running.metadata.name}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await app.request(`/deliveries/${running.metadata.name}`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    expect((await app.request('/deliveries', { method: 'POST' })).status).toBe(405);
  });

  it('redirects / to the list, under the public URL path', async () => {
    const res = await pages([], { publicUrl: 'https://ci.example.test/sluice/' }).request('/');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/sluice/deliveries');
  });

  it('links the trace to Grafana only when Grafana is configured', async () => {
    const plain = await (await pages([running]).request(`/deliveries/${running.metadata.name}`)).text();
    expect(plain).toContain('0af7651916cd43dd8448eb211c80319c');
    expect(plain).not.toContain('grafana.example.test');
    const linked = await (await pages([running], { grafana: true }).request(`/deliveries/${running.metadata.name}`)).text();
    expect(linked).toContain('href="https://grafana.example.test/explore?schemaVersion=1&amp;panes=');
  });
});

describe('run page cache', () => {
  it('keeps Deliveries as they change and forgets deleted or unreadable ones', () => {
    const store = new RunPageStore();
    const object = deliveryObject(NS, { status: RUNNING });
    store.upsert(object);
    expect(store.get(object.metadata.name)?.status?.phase).toBe('Testing');
    store.upsert({ ...object, status: { ...RUNNING, phase: 'Building' as never } });
    expect(store.get(object.metadata.name)?.status?.phase).toBe('Building');
    store.upsert({ ...object, spec: { ...object.spec, checkoutSha: 'not-a-sha' } });
    expect(store.get(object.metadata.name)).toBeUndefined();
    store.upsert(object);
    store.remove(object.metadata.name);
    expect(store.size).toBe(0);
  });
});
