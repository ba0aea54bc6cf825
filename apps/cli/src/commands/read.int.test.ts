import { ANNOTATIONS, finishStage, startStage, type DeliveryStatus } from '@sluice/delivery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDelivery, openFixture, runCli, setStatus, sha, startCli, type Fixture } from '../testing/cli.testkit.js';

let f: Fixture;
const T0 = Date.parse('2030-01-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const iso = (minutes: number) => at(minutes).toISOString();

function ok<T>(result: { ok: true; status: T } | { ok: false }): T {
  if (!result.ok) throw new Error('stage change refused');
  return result.status;
}

/** A delivery whose tests passed with a summary and a log tail, built, and live in production. */
function liveStatus(s: DeliveryStatus): DeliveryStatus {
  let status = ok(startStage(s, { name: 'test' }, { now: at(1), jobName: 'shop-live-test' }));
  status = ok(finishStage(status, { name: 'test' }, { state: 'succeeded', exitCode: 0, logTail: 'ok 1 cart\nok 2 checkout\n', testSummary: { total: 3, passed: 2, failed: 0, skipped: 1, firstFailures: [] } }, at(2)));
  status = ok(startStage(status, { name: 'build' }, { now: at(2) }));
  status = ok(finishStage(status, { name: 'build' }, { state: 'succeeded' }, at(3)));
  status = ok(startStage(status, { name: 'deploy', environment: 'production' }, { now: at(3) }));
  status = ok(finishStage(status, { name: 'deploy', environment: 'production' }, { state: 'succeeded' }, at(5)));
  return { ...status, phase: 'Live' };
}

/** A delivery whose tests failed. */
function failedStatus(s: DeliveryStatus): DeliveryStatus {
  let status = ok(startStage(s, { name: 'test' }, { now: at(11) }));
  status = ok(
    finishStage(
      status,
      { name: 'test' },
      { state: 'failed', reason: 'TestsFailed', message: '1 test failed', exitCode: 1, logTail: 'not ok 1 pays\n', testSummary: { total: 2, passed: 1, failed: 1, skipped: 0, firstFailures: ['checkout › pays'] } },
      at(12),
    ),
  );
  return { ...status, phase: 'Failed', reason: 'TestsFailed', message: '1 test failed' };
}

beforeAll(async () => {
  f = await openFixture('cli-read');
  await createDelivery(f.client, f.namespace, {
    name: 'shop-live',
    application: 'shop',
    sha: sha('a1'),
    receivedAt: iso(0),
    commit: { title: 'Add the cart page', authorName: 'Grace Hopper' },
    annotations: { [ANNOTATIONS.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    status: liveStatus,
  });
  await createDelivery(f.client, f.namespace, { name: 'shop-failed', application: 'shop', sha: sha('b2'), receivedAt: iso(10), status: failedStatus });
  await createDelivery(f.client, f.namespace, { name: 'shop-feature', application: 'shop', ref: 'feature/cart', sha: sha('c3'), receivedAt: iso(20), environments: [], status: (s) => s });
  await createDelivery(f.client, f.namespace, { name: 'blog-main', application: 'blog', sha: sha('d4'), receivedAt: iso(30) });
});
afterAll(async () => {
  await f?.close();
});

const rows = (out: string) => out.trim().split('\n').slice(1).map((line) => line.split(/\s{3,}/)[0]);

describe('sluice deliveries', () => {
  it('lists every delivery newest push first, with ref, short SHA, phase, reason and compact stages', async () => {
    const r = await runCli(['deliveries', ...f.flags]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+APP\s+REF\s+SHA\s+PHASE\s+LIVE-IN\s+REASON\s+STAGES\s+AGE$/);
    expect(rows(r.out)).toEqual(['blog-main', 'shop-feature', 'shop-failed', 'shop-live']);
    expect(lines.find((l) => l.startsWith('shop-live'))).toMatch(/shop\s+main\s+a1a1a1a1\s+Live\s+test✓ build✓ deploy:production✓\s+\S+$/);
    expect(lines.find((l) => l.startsWith('shop-failed'))).toMatch(/b2b2b2b2\s+Failed\s+TestsFailed\s+test✗ build· deploy:production·/);
    expect(r.out).not.toContain('\x1b[');
  });

  it('filters by application and branch, and caps the rows with --limit', async () => {
    expect(rows((await runCli(['deliveries', ...f.flags, '--app', 'shop'])).out)).toEqual(['shop-feature', 'shop-failed', 'shop-live']);
    expect(rows((await runCli(['deliveries', ...f.flags, '--app', 'shop', '--branch', 'main'])).out)).toEqual(['shop-failed', 'shop-live']);
    const limited = await runCli(['deliveries', ...f.flags, '--limit', '1']);
    expect(rows(limited.out)).toEqual(['blog-main']);
    expect(limited.err).toContain('1 of 4 shown');
  });

  it('prints JSON with -o json', async () => {
    const r = await runCli(['deliveries', ...f.flags, '--branch', 'feature/cart', '-o', 'json']);
    const parsed = JSON.parse(r.out) as { metadata: { name: string; managedFields?: unknown }; spec: { checkoutSha: string } }[];
    expect(parsed.map((d) => d.metadata.name)).toEqual(['shop-feature']);
    expect(parsed[0]?.spec.checkoutSha).toBe(sha('c3'));
    expect(parsed[0]?.metadata.managedFields).toBeUndefined();
  });

  it('says so on stderr when nothing matches', async () => {
    const none = await runCli(['deliveries', ...f.flags, '--app', 'nothing']);
    expect(none).toMatchObject({ code: 0, out: '' });
    expect(none.err).toContain('No deliveries found');
  });

  it('--watch prints the table, then a line when a delivery changes, and Ctrl-C ends it with exit 0', async () => {
    const watch = startCli(['deliveries', ...f.flags, '--app', 'blog', '--watch']);
    await watch.waitForOutput((out) => out.includes('blog-main'));
    expect(watch.out().trim().split('\n')).toHaveLength(2);
    const status = ok(startStage({ phase: 'Testing', stages: [{ name: 'test', state: 'pending' }], posted: {} }, { name: 'test' }, { now: new Date() }));
    await setStatus(f.client, f.namespace, 'blog-main', status);
    await watch.waitForOutput((out) => /blog-main\s+blog\s+main\s+d4d4d4d4\s+Testing\s+test…/.test(out));
    watch.interrupt();
    const done = await watch.done;
    expect(done.code).toBe(0);
    expect(done.out.trim().split('\n')).toHaveLength(3);
  });
});

describe('sluice show', () => {
  it('shows the commit, author, phase, each stage with start and duration, tests, log tail, trace id and run page', async () => {
    const r = await runCli(['show', 'shop-live', ...f.flags], { SLUICE_PUBLIC_URL: 'https://sluice.example.com/' });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Commit      ${sha('a1')}`);
    expect(r.out).toContain('Title       Add the cart page\nAuthor      Grace Hopper\nPushed by   Ada Lovelace <ada@example.com> (@ada)');
    expect(r.out).toContain('Ref         main (branch)');
    expect(r.out).toContain('Phase       Live');
    expect(r.out).toMatch(/test\s+✓ succeeded\s+2030-01-01T10:01:00Z\s+1m00s/);
    expect(r.out).toMatch(/deploy:production\s+✓ succeeded\s+2030-01-01T10:03:00Z\s+2m00s/);
    expect(r.out).toContain('Tests (test): 3 total, 2 passed, 0 failed, 1 skipped');
    expect(r.out).toContain('Log tail (test, Job shop-live-test, exit code 0):\n  | ok 1 cart\n  | ok 2 checkout');
    expect(r.out).toContain('Trace       4bf92f3577b34da6a3ce929d0e0e4736');
    expect(r.out).toContain('Run page    https://sluice.example.com/deliveries/shop-live');
  });

  it('shows why a delivery failed and which tests failed', async () => {
    const r = await runCli(['show', 'shop-failed', ...f.flags]);
    expect(r.out).toContain('Phase       Failed (TestsFailed: 1 test failed)');
    expect(r.out).toContain('  ✗ checkout › pays');
    expect(r.out).not.toContain('Run page');
  });

  it('prints the object with -o yaml', async () => {
    const r = await runCli(['show', 'shop-live', ...f.flags, '-o', 'yaml']);
    expect(r.out).toContain('kind: Delivery');
    expect(r.out).toContain(`checkoutSha: ${sha('a1')}`);
  });

  it('fails with exit 1 and one line when the delivery does not exist', async () => {
    const r = await runCli(['show', 'no-such-delivery', ...f.flags]);
    expect(r).toEqual({ code: 1, out: '', err: `sluice: delivery "no-such-delivery" not found in namespace "${f.namespace}" (list them with 'sluice deliveries')\n` });
  });
});
