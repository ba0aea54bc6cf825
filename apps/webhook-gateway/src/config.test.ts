import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@sluice/config';
import { describe, expect, it } from 'vitest';
import { grafanaOptions, parseGatewayConfig, publicBaseUrl, readWebhookSecrets } from './config.js';

describe('gateway config', () => {
  it('applies defaults and splits the token file list', () => {
    expect(parseGatewayConfig({ SLUICE_WEBHOOK_TOKEN_FILES: '/run/secrets/a, /run/secrets/b' })).toEqual({
      SLUICE_PORT: 8080,
      SLUICE_HOST: '0.0.0.0',
      SLUICE_LOG_LEVEL: 'info',
      SLUICE_SHUTDOWN_TIMEOUT: 10_000,
      SLUICE_WEBHOOK_TOKEN_FILES: ['/run/secrets/a', '/run/secrets/b'],
      SLUICE_NAMESPACE: 'sluice-system',
      SLUICE_WEBHOOK_SECRETS_NAMESPACE: 'sluice-webhooks',
      SLUICE_WEBHOOK_MAX_BODY_BYTES: 2 * 1024 * 1024,
      SLUICE_WEBHOOK_TOLERANCE: 300,
      SLUICE_GRAFANA_TEMPO_DATASOURCE: 'tempo',
    });
  });

  it('links run pages to Grafana only when SLUICE_GRAFANA_URL is set', () => {
    expect(grafanaOptions(parseGatewayConfig({ SLUICE_WEBHOOK_TOKEN_FILES: '/t' }))).toBeUndefined();
    const config = parseGatewayConfig({ SLUICE_WEBHOOK_TOKEN_FILES: '/t', SLUICE_GRAFANA_URL: 'https://grafana.example.test/', SLUICE_GRAFANA_TEMPO_DATASOURCE: 'P214B5B846CF3925F' });
    expect(grafanaOptions(config)).toEqual({ url: 'https://grafana.example.test', tempoDatasource: 'P214B5B846CF3925F' });
    expect(() => parseGatewayConfig({ SLUICE_WEBHOOK_TOKEN_FILES: '/t', SLUICE_GRAFANA_URL: 'javascript:alert(1)' })).toThrow(/SLUICE_GRAFANA_URL/);
    expect(() => parseGatewayConfig({ SLUICE_WEBHOOK_TOKEN_FILES: '/t', SLUICE_GRAFANA_TEMPO_DATASOURCE: 'a"b' })).toThrow(/SLUICE_GRAFANA_TEMPO_DATASOURCE/);
  });

  it('reads the namespaces, public URL, body cap and timestamp window', () => {
    const config = parseGatewayConfig({
      SLUICE_WEBHOOK_TOKEN_FILES: '/t',
      SLUICE_NAMESPACE: 'gw-test',
      SLUICE_WEBHOOK_SECRETS_NAMESPACE: 'team-hooks',
      SLUICE_PUBLIC_URL: 'https://sluice.example.test/',
      SLUICE_WEBHOOK_MAX_BODY_BYTES: '65536',
      SLUICE_WEBHOOK_TOLERANCE: '2m',
    });
    expect(config).toMatchObject({ SLUICE_NAMESPACE: 'gw-test', SLUICE_WEBHOOK_SECRETS_NAMESPACE: 'team-hooks', SLUICE_WEBHOOK_MAX_BODY_BYTES: 65536, SLUICE_WEBHOOK_TOLERANCE: 120 });
    expect(publicBaseUrl(config)).toBe('https://sluice.example.test');
    expect(publicBaseUrl(parseGatewayConfig({ SLUICE_WEBHOOK_TOKEN_FILES: '/t', SLUICE_PORT: '9000' }))).toBe('http://localhost:9000');
  });

  it('refuses a namespace that is not a DNS label', () => {
    expect(() => parseGatewayConfig({ SLUICE_WEBHOOK_TOKEN_FILES: '/t', SLUICE_NAMESPACE: 'Sluice_System' })).toThrow(/SLUICE_NAMESPACE/);
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
    const error = await readWebhookSecrets(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(join(dir, 'missing'));
    expect((error as Error).message).not.toContain('tok-7f3a');
  });

  it('reads every token and signing key, trimmed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-config-'));
    await writeFile(join(dir, 'a'), 'tok-new\n');
    await writeFile(join(dir, 'b'), 'tok-old\n');
    await writeFile(join(dir, 'k'), 'whsec_abc\n');
    const config = parseGatewayConfig({
      SLUICE_WEBHOOK_TOKEN_FILES: `${join(dir, 'a')},${join(dir, 'b')}`,
      SLUICE_WEBHOOK_SIGNING_KEY_FILES: join(dir, 'k'),
    });
    expect(await readWebhookSecrets(config)).toEqual({ secretTokens: ['tok-new', 'tok-old'], signingTokens: ['whsec_abc'] });
  });
});
