import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runServiceProcess, startServiceProcess } from '@sluice/service/testing';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

/** A kubeconfig for an apiserver that is not there. */
const UNREACHABLE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: nowhere, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]
users: [{ name: nobody, user: { token: "not-a-real-token" } }]
contexts: [{ name: nowhere, context: { cluster: nowhere, user: nobody } }]
current-context: nowhere
`;

describe('webhook-gateway process', () => {
  it('serves liveness without the apiserver, is not ready without it, and exits 0 on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-'));
    await writeFile(join(dir, 'token'), 'hook-token\n');
    await writeFile(join(dir, 'kubeconfig'), UNREACHABLE_KUBECONFIG);
    const port = await freePort();
    const service = await startServiceProcess({
      entry,
      env: {
        SLUICE_PORT: String(port),
        SLUICE_HOST: '127.0.0.1',
        SLUICE_WEBHOOK_TOKEN_FILES: join(dir, 'token'),
        KUBECONFIG: join(dir, 'kubeconfig'),
      },
    });
    try {
      expect(service.port).toBe(port);
      expect((await service.get('/healthz')).status).toBe(200);
      const ready = await service.get('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ failed: expect.arrayContaining(['kubernetes']) });
      const exit = await service.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(service.logs.map((line) => line['msg'])).toContain('stopped');
      expect(exit.stdout).not.toContain('hook-token');
    } finally {
      service.kill();
    }
  }, 90_000);

  it('exits 1 naming the bad variables on stderr', async () => {
    const exit = await runServiceProcess({ entry, env: { SLUICE_PORT: 'eighty' } });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('SLUICE_PORT');
    expect(exit.stderr).toContain('SLUICE_WEBHOOK_TOKEN_FILES');
  }, 90_000);

  it('exits 1 naming a signing key that is not in whsec_ form, without echoing it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-'));
    await writeFile(join(dir, 'token'), 'hook-token\n');
    await writeFile(join(dir, 'key'), 'plain-secret-not-whsec\n');
    await writeFile(join(dir, 'kubeconfig'), UNREACHABLE_KUBECONFIG);
    const exit = await runServiceProcess({
      entry,
      env: { SLUICE_WEBHOOK_TOKEN_FILES: join(dir, 'token'), SLUICE_WEBHOOK_SIGNING_KEY_FILES: join(dir, 'key'), KUBECONFIG: join(dir, 'kubeconfig') },
    });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('whsec_');
    expect(exit.stderr).not.toContain('plain-secret-not-whsec');
  }, 90_000);
});
