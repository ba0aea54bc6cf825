import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDelivery, openFixture, runCliProcess, sha, type Fixture } from './testing/cli.testkit.js';

let f: Fixture;

beforeAll(async () => {
  f = await openFixture('cli-process');
  await createDelivery(f.client, f.namespace, { name: 'proc-1', application: 'shop', sha: sha('9f'), receivedAt: new Date().toISOString(), status: (s) => ({ ...s, phase: 'Testing' }) });
});
afterAll(async () => {
  await f?.close();
});

describe('the sluice process', () => {
  it('lists deliveries with the kubeconfig from KUBECONFIG: exit 0, a plain table on a pipe', async () => {
    const r = await runCliProcess(['deliveries', '-n', f.namespace], { KUBECONFIG: f.kubeconfig });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^NAME\s+APP\s+REF\s+SHA\s+PHASE\s+LIVE-IN\s+REASON\s+STAGES\s+AGE\nproc-1\s+shop\s+main\s+9f9f9f9f\s+Testing\s+test· build· deploy:production·\s+\d+s\n$/);
    expect(r.out).not.toContain('\x1b');
  });

  it('exits 1 with one line on stderr for a delivery that does not exist', async () => {
    const r = await runCliProcess(['show', 'missing', ...f.flags]);
    expect(r).toEqual({ code: 1, out: '', err: `sluice: delivery "missing" not found in namespace "${f.namespace}" (list them with 'sluice deliveries')\n` });
  });

  it('exits 1 with one line when the kubeconfig cannot be loaded', async () => {
    const r = await runCliProcess(['deliveries', '--kubeconfig', '/nonexistent/kubeconfig']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^sluice: cannot load Kubernetes credentials: .*\/nonexistent\/kubeconfig.*\n$/);
  });

  it('exits 2 on a usage error, 0 with --help and --version', async () => {
    const bad = await runCliProcess(['deliveries', '--bogus']);
    expect(bad).toEqual({ code: 2, out: '', err: "sluice: deliveries: unknown option --bogus (see 'sluice deliveries --help')\n" });
    const help = await runCliProcess(['promote', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: sluice promote DELIVERY [options]');
    const version = await runCliProcess(['--version']);
    expect(version).toEqual({ code: 0, out: '0.0.0\n', err: '' });
  });
});
