import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INSTALL_COMMAND, TEST_COMMAND } from './application.js';
import { filesOf, VERSIONS } from './versions.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Writes `version`'s tree and runs its install and tests exactly as the test Job does; resolves with the exit code and output. */
async function runTests(version: (typeof VERSIONS)[number]['id']): Promise<{ status: number; out: string }> {
  const dir = await mkdtemp(join(tmpdir(), `sluice-demo-sample-${version}-`));
  dirs.push(dir);
  for (const [path, content] of await filesOf(version)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  // The Job's HOME is a writable volume of its own; no registry is reachable (the install is offline).
  const env = { PATH: process.env['PATH'] ?? '', HOME: join(dir, '.home'), CI: 'true' };
  const install = spawnSync('sh', ['-e', '-c', INSTALL_COMMAND], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });
  if (install.status !== 0) return { status: install.status ?? 1, out: `install: ${install.stdout}${install.stderr}` };
  const r = spawnSync('sh', ['-c', TEST_COMMAND], { cwd: dir, encoding: 'utf8', env, timeout: 60_000 });
  return { status: r.status ?? 1, out: r.stdout + r.stderr };
}

describe('the sample app', () => {
  it('builds each version on the one before it: v1 whole, then only the files a version changes', async () => {
    const v1 = await filesOf('v1');
    const v3 = await filesOf('v3');
    expect([...v1.keys()]).toEqual(['Dockerfile', 'README.md', 'app.mjs', 'app.test.mjs', 'package.json', 'server.mjs']);
    expect(v3.get('app.test.mjs')).toBe((await filesOf('v2')).get('app.test.mjs'));
    expect(v3.get('app.mjs')).toContain("VERSION = 'v3'");
  });

  it.each(VERSIONS.map((v) => [v.id, v.expect === 'tests-fail' ? 'fail' : 'pass'] as const))('%s: its real tests %s', async (id, outcome) => {
    const { status, out } = await runTests(id);
    if (outcome === 'fail') {
      expect(status).not.toBe(0);
      expect(out).toMatch(/not ok \d+ - GET \/ names the version that answers|✖ GET \/ names the version that answers/);
    } else {
      expect(status, out).toBe(0);
    }
  });

  it('v4 stays healthy under kubelet probes alone, and turns unhealthy 4.5 to 9 s after its first real request (by its host name)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-sample-v4-'));
    dirs.push(dir);
    const app = join(dir, 'app.mjs');
    await writeFile(app, (await filesOf('v4')).get('app.mjs') ?? '');
    const probe = `
      import { createApp } from ${JSON.stringify(app)};
      const server = createApp().listen(0, '127.0.0.1', async () => {
        const base = 'http://127.0.0.1:' + server.address().port;
        const healthz = () => fetch(base + '/healthz', { headers: { 'user-agent': 'kube-probe/1.37' } }).then((r) => r.status);
        const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        const probed = [];
        for (let i = 0; i < 20; i++) { probed.push(await healthz()); await sleep(100); }
        const served = Date.now();
        await fetch(base + '/healthz');
        let unhealthyAfter;
        while (Date.now() - served < 15000) {
          if ((await healthz()) !== 200) { unhealthyAfter = Date.now() - served; break; }
          await sleep(100);
        }
        console.log(JSON.stringify({ probed, unhealthyAfter }));
        server.close();
      });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8', timeout: 30_000 });
    const { probed, unhealthyAfter } = JSON.parse(r.stdout.trim()) as { probed: number[]; unhealthyAfter?: number };
    expect(new Set(probed)).toEqual(new Set([200]));
    expect(unhealthyAfter).toBeGreaterThan(4_000);
    expect(unhealthyAfter).toBeLessThan(10_000);
  }, 30_000);
});
