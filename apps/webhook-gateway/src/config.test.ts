import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@sluice/config';
import { describe, expect, it } from 'vitest';
import { assertSecretsReadable, parseGatewayConfig } from './config.js';

describe('gateway config', () => {
  it('applies defaults and splits the token file list', () => {
    expect(parseGatewayConfig({ SLUICE_WEBHOOK_TOKEN_FILES: '/run/secrets/a, /run/secrets/b' })).toEqual({
      SLUICE_PORT: 8080,
      SLUICE_HOST: '0.0.0.0',
      SLUICE_LOG_LEVEL: 'info',
      SLUICE_SHUTDOWN_TIMEOUT: 10_000,
      SLUICE_WEBHOOK_TOKEN_FILES: ['/run/secrets/a', '/run/secrets/b'],
    });
  });

  it('reads optional signing key files and a kubeconfig path', () => {
    const config = parseGatewayConfig({
      SLUICE_WEBHOOK_TOKEN_FILES: '/t',
      SLUICE_WEBHOOK_SIGNING_KEY_FILES: '/k1,/k2',
      KUBECONFIG: '/home/me/.kube/config',
    });
    expect(config).toMatchObject({ SLUICE_WEBHOOK_SIGNING_KEY_FILES: ['/k1', '/k2'], KUBECONFIG: '/home/me/.kube/config' });
  });

  it('requires the token files and names every bad variable', () => {
    expect(() => parseGatewayConfig({ SLUICE_PORT: '70000', SLUICE_WEBHOOK_SIGNING_KEY_FILES: 'relative/key' })).toThrow(
      /SLUICE_PORT[\s\S]*SLUICE_WEBHOOK_TOKEN_FILES: required[\s\S]*SLUICE_WEBHOOK_SIGNING_KEY_FILES/,
    );
  });

  it('fails start-up on a secret file that is missing, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-config-'));
    await writeFile(join(dir, 'token'), 'tok-7f3a\n');
    const config = parseGatewayConfig({
      SLUICE_WEBHOOK_TOKEN_FILES: join(dir, 'token'),
      SLUICE_WEBHOOK_SIGNING_KEY_FILES: join(dir, 'missing'),
    });
    const error = await assertSecretsReadable(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(join(dir, 'missing'));
    expect((error as Error).message).not.toContain('tok-7f3a');
  });
});
