import { fileURLToPath } from 'node:url';
import { freePort, runServiceProcess, startServiceProcess } from '@sluice/service/testing';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('test-runner process', () => {
  it('starts, answers the probes and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const service = await startServiceProcess({ entry, env: { SLUICE_PORT: String(port), SLUICE_HOST: '127.0.0.1' } });
    try {
      expect(service.port).toBe(port);
      expect((await service.get('/healthz')).status).toBe(200);
      expect((await service.get('/readyz')).status).toBe(200);
      const exit = await service.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(service.logs.map((line) => line['msg'])).toContain('stopped');
    } finally {
      service.kill();
    }
  }, 90_000);

  it('exits 1 naming the bad variable on stderr', async () => {
    const exit = await runServiceProcess({ entry, env: { SLUICE_LOG_LEVEL: 'chatty' } });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('SLUICE_LOG_LEVEL');
  }, 90_000);
});
