/**
 * The run pages in a real browser: Debian's Chromium driven by
 * playwright-core (never a downloaded browser), against the gateway served
 * over HTTP and watching Deliveries on the real local control plane.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import {
  advancePhase,
  API_GROUP_VERSION,
  DeliveryStatusSchema,
  finishStage,
  initialStatus,
  startStage,
  type DeliveryStatus,
  type Phase,
  type StageKey,
  type StageOutcome,
} from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { startTelemetry, type Telemetry } from '@sluice/telemetry';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha } from '../fixtures/index.js';
import { createGateway, type Gateway } from '../gateway.js';
import { adminClient, createNamespace, deleteNamespace, installCrds, waitUntil } from '../testing/cluster.testkit.js';
import { deliveryObject } from './delivery.testkit.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Screenshots land here (gitignored), for people to look at after a run. */
const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));
/** Waits for the page to show something: the page reloads every 2 s; the machine may be busy. */
const SEEN_WITHIN = { timeout: 45_000 };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const admin = adminClient();
let namespace: string;
let gateway: Gateway;
let telemetry: Telemetry;
let server: ServerType;
let baseUrl: string;
let profile: string;
let browser: BrowserContext;

function listen(app: Gateway['app']): Promise<ServerType> {
  return new Promise((resolve) => {
    const started: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
}

/** Writes the Delivery's status as the test runner and deployer do (status subresource, conflict-retried). */
async function advance(name: string, change: (status: DeliveryStatus, now: Date) => DeliveryStatus): Promise<void> {
  await admin.updateStatus<KubeObject & { status?: unknown }>({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name }, (current) =>
    change(DeliveryStatusSchema.parse(current.status ?? initialStatus({ environments: ['production'] })), new Date()),
  );
}

function ok<T extends { ok: true; status: DeliveryStatus } | { ok: false; error: { message: string } }>(result: T): DeliveryStatus {
  if (!result.ok) throw new Error(result.error.message);
  return result.status;
}

const start = (key: StageKey, phase?: Phase) => (status: DeliveryStatus, now: Date) => {
  const started = ok(startStage(status, key, { now }));
  return phase === undefined ? started : ok(advancePhase(started, phase));
};
const finish = (key: StageKey, outcome: StageOutcome) => (status: DeliveryStatus, now: Date) => ok(finishStage(status, key, outcome, now));
const steps =
  (...changes: ((status: DeliveryStatus, now: Date) => DeliveryStatus)[]) =>
  (status: DeliveryStatus, now: Date) =>
    changes.reduce((s, change) => change(s, now), status);

async function create(object: ReturnType<typeof deliveryObject>): Promise<string> {
  await admin.create(object);
  await waitUntil(async () => (await fetch(`${baseUrl}/deliveries/${object.metadata.name}`)).status === 200, `the run page of ${object.metadata.name}`);
  return object.metadata.name;
}

async function isPng(path: string): Promise<boolean> {
  const bytes = await readFile(path);
  return bytes.length > 1000 && bytes.subarray(0, 8).equals(PNG_SIGNATURE);
}

/** A read of the page, done again when the page's own reload replaced the document under it. */
async function read<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 5 || !/context was destroyed|navigat/i.test(String(error))) throw error;
    }
  }
}

// Runs in the page; this project compiles without the DOM library.
const backgroundOf = (element: unknown) =>
  (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(element).backgroundColor;

function stage(page: Page, label: string, state: string) {
  return page.locator(`li.stage[data-stage="${label}"][data-state="${state}"]`);
}

beforeAll(async () => {
  await installCrds(admin);
  namespace = await createNamespace(admin, 'gw-pages');
  telemetry = startTelemetry({ serviceName: 'gateway-pages-test', serviceVersion: '0', env: { OTEL_SDK_DISABLED: 'true' } });
  // The public URL is only known once the server listens; the pages link relative to its path, which is `/` here.
  gateway = createGateway({
    client: adminClient('sluice-webhook-gateway'),
    namespace,
    secrets: { secretTokens: ['unused'], signingTokens: [] },
    telemetry,
    logger: createLogger({ service: 'gateway-pages-test', level: 'silent' }),
    publicUrl: 'http://127.0.0.1',
    maxBodyBytes: 1024 * 1024,
    toleranceSeconds: 300,
    grafana: { url: 'https://grafana.example.test', tempoDatasource: 'tempo' },
  });
  server = await listen(gateway.app);
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await waitUntil(async () => (await fetch(`${baseUrl}/readyz`)).status === 200, 'the gateway to be ready');
  await mkdir(OUTPUT_DIR, { recursive: true });
  profile = await mkdtemp(join(tmpdir(), 'run-page-chromium-'));
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1100, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  await gateway?.shutdownHook.run();
  await telemetry?.shutdown();
  if (namespace) await deleteNamespace(admin, namespace);
});

describe('run pages in Chromium', () => {
  it('follows a delivery as it runs: the open page reloads itself and shows each stage advance', async () => {
    const name = await create(deliveryObject(namespace, {
        ref: 'trunk',
        sha: fakeSha('browser-1'),
        title: 'Tune the reservation timeout',
        environments: ['production'],
        receivedAt: new Date().toISOString(),
      }),);
    const page = await browser.newPage();
    const problems: string[] = [];
    // A refused style, or anything else the browser complains about, except the favicon it looks for on its own.
    page.on('console', (message) => message.type() === 'error' && !/favicon/i.test(message.text()) && problems.push(message.text()));
    let loads = 0;
    page.on('load', () => (loads += 1));

    await page.goto(`${baseUrl}/deliveries/${name}`);
    expect(await read(() => page.locator('h1').textContent())).toBe('Tune the reservation timeout');
    await page.locator('[data-phase="Pending"]').waitFor(SEEN_WITHIN);
    const stages = await read(() => page.locator('li.stage').evaluateAll((items) => items.map((li) => `${li.getAttribute('data-stage')}:${li.getAttribute('data-state')}`)));
    expect(stages).toEqual([
      'test:pending',
      'build:pending',
      'deploy/production:pending',
    ]);

    await advance(name, start({ name: 'test' }, 'Testing'));
    await stage(page, 'test', 'running').waitFor(SEEN_WITHIN);
    await page.locator('[data-phase="Testing"]').waitFor(SEEN_WITHIN);
    // Colour-coded under the strict CSP: the stylesheet (allowed by hash) applied.
    expect(await read(() => page.locator('[data-phase="Testing"]').evaluate(backgroundOf))).toBe('rgb(221, 244, 255)');

    await advance(
      name,
      steps(
        finish({ name: 'test' }, {
          state: 'succeeded',
          exitCode: 0,
          logTail: '> vitest run\n ✓ src/reservations.test.ts (12 tests)\n Test Files  1 passed (1)\n',
          testSummary: { total: 13, passed: 12, failed: 0, skipped: 1, firstFailures: [] },
        }),
        start({ name: 'build' }, 'Building'),
      ),
    );
    await stage(page, 'test', 'succeeded').waitFor(SEEN_WITHIN);
    await stage(page, 'build', 'running').waitFor(SEEN_WITHIN);
    expect(await read(() => page.locator('li.stage[data-stage="test"] .tests').textContent())).toContain('12 passed');
    expect(await read(() => page.locator('li.stage[data-stage="test"] pre.log').textContent())).toContain('Test Files  1 passed (1)');

    await advance(name, steps(finish({ name: 'build' }, { state: 'succeeded' }), start({ name: 'deploy', environment: 'production' }, 'Deploying')));
    await stage(page, 'build', 'succeeded').waitFor(SEEN_WITHIN);
    await stage(page, 'deploy/production', 'running').waitFor(SEEN_WITHIN);
    const during = join(OUTPUT_DIR, 'run-page.png');
    await page.screenshot({ path: during, fullPage: true });
    expect(await isPng(during)).toBe(true);

    await advance(name, steps(finish({ name: 'deploy', environment: 'production' }, { state: 'succeeded' }), (s) => ok(advancePhase(s, 'Live'))));
    await page.locator('[data-phase="Live"]').waitFor(SEEN_WITHIN);
    await stage(page, 'deploy/production', 'succeeded').waitFor(SEEN_WITHIN);
    // Nobody reloaded the page but the page itself; once Live it stops.
    expect(loads).toBeGreaterThanOrEqual(5);
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    expect(await page.locator('[data-trace-id]').textContent()).toMatch(/^[0-9a-f]{32}$/);
    expect(await page.locator('a', { hasText: 'open in Grafana' }).getAttribute('href')).toMatch(/^https:\/\/grafana\.example\.test\/explore\?schemaVersion=1&panes=/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'run-page-live.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);

  it('renders a branch name and commit message holding HTML as text, on the run page and in the list', async () => {
    const ref = 'feature/<img/src=x/onerror=alert(1)>';
    const title = '<script>alert(2)</script><b>bold</b> <img src=x onerror=alert(3)>';
    const name = await create(deliveryObject(namespace, { ref, sha: fakeSha('browser-evil'), title, receivedAt: new Date().toISOString() }));
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });

    await page.goto(`${baseUrl}/deliveries/${name}`);
    expect(await read(() => page.locator('h1').textContent())).toBe(title);
    expect(await read(() => page.locator('main a', { hasText: 'feature/' }).first().textContent())).toBe(ref);
    expect(await read(() => page.locator('script, img, b').count())).toBe(0);

    await page.goto(`${baseUrl}/deliveries?branch=${encodeURIComponent(ref)}`);
    const row = page.locator(`tr[data-delivery="${name}"]`);
    expect(await read(() => row.locator('td').nth(2).textContent())).toBe(ref);
    expect(await read(() => row.locator('td.title').textContent())).toContain(title);
    expect(await read(() => page.locator('script, img, b').count())).toBe(0);
    await page.screenshot({ path: join(OUTPUT_DIR, 'deliveries.png'), fullPage: true });
    expect(await isPng(join(OUTPUT_DIR, 'deliveries.png'))).toBe(true);
    expect(dialogs).toEqual([]);
    await page.close();
  }, 120_000);
});
