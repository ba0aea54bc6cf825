import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runServiceProcess, startServiceProcess } from '@sluice/service/testing';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { adminClient, installCrds, waitUntil } from './testing/cluster.testkit.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('notifier process', () => {
  beforeAll(async () => installCrds(adminClient()));

  it('starts, answers the probes and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notifier-'));
    await writeFile(join(dir, 'token'), 'glpat-test-token\n');
    const port = await freePort();
    const service = await startServiceProcess({
      entry,
      env: {
        SLUICE_PORT: String(port),
        SLUICE_HOST: '127.0.0.1',
        SLUICE_GITLAB_URL: 'https://gitlab.example.com',
        SLUICE_GITLAB_TOKEN_FILE: join(dir, 'token'),
        KUBECONFIG: inject('kubeconfig'),
      },
    });
    try {
      expect(service.port).toBe(port);
      expect((await service.get('/healthz')).status).toBe(200);
      // Ready once the Delivery informer has its first listing.
      await waitUntil(async () => (await service.get('/readyz')).status === 200, 'readiness');
      const exit = await service.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(service.logs.map((line) => line['msg'])).toContain('stopped');
      expect(exit.stdout).not.toContain('glpat-test-token');
    } finally {
      service.kill();
    }
  }, 90_000);

  it('exits 1 naming the bad variables on stderr', async () => {
    const exit = await runServiceProcess({ entry, env: { SLUICE_GITLAB_URL: 'gitlab.example.com' } });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('SLUICE_GITLAB_URL');
    expect(exit.stderr).toContain('SLUICE_GITLAB_TOKEN_FILE');
  }, 90_000);
});
