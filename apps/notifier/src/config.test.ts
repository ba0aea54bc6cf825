import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@sluice/config';
import { describe, expect, it } from 'vitest';
import { assertSecretsReadable, parseNotifierConfig } from './config.js';

const required = { SLUICE_GITLAB_URL: 'https://gitlab.example.com', SLUICE_GITLAB_TOKEN_FILE: '/run/secrets/gitlab/token' };

describe('notifier config', () => {
  it('applies defaults around the required GitLab settings', () => {
    expect(parseNotifierConfig(required)).toEqual({
      SLUICE_PORT: 8083,
      SLUICE_HOST: '0.0.0.0',
      SLUICE_LOG_LEVEL: 'info',
      SLUICE_SHUTDOWN_TIMEOUT: 10_000,
      SLUICE_LEADER_ELECTION: true,
      SLUICE_LEADER_LEASE_DURATION: 15_000,
      SLUICE_LEADER_RENEW_DEADLINE: 10_000,
      SLUICE_LEADER_RETRY_PERIOD: 2_000,
      SLUICE_GITLAB_TIMEOUT: 10_000,
      SLUICE_GITLAB_CONCURRENCY: 8,
      SLUICE_GITLAB_MAX_BACKOFF: 300_000,
      SLUICE_NAMESPACE: 'sluice-system',
      SLUICE_STATUS_PREFIX: 'sluice',
      ...required,
    });
  });

  it('requires the GitLab URL and token file', () => {
    expect(() => parseNotifierConfig({})).toThrow(/SLUICE_GITLAB_URL: required[\s\S]*SLUICE_GITLAB_TOKEN_FILE: required/);
  });

  it('refuses a GitLab URL that is not http(s), without echoing credentials in it', () => {
    let message = '';
    try {
      parseNotifierConfig({ ...required, SLUICE_GITLAB_URL: 'ftp://user:pa55@gitlab.example.com' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('SLUICE_GITLAB_URL');
    expect(message).not.toContain('pa55');
  });

  it('refuses a status prefix that GitLab would show as something else', () => {
    expect(() => parseNotifierConfig({ ...required, SLUICE_STATUS_PREFIX: 'my prefix/x' })).toThrow(/SLUICE_STATUS_PREFIX/);
  });

  it('fails start-up when the token file is empty, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'notifier-config-'));
    await writeFile(join(dir, 'token'), '\n');
    const config = parseNotifierConfig({ ...required, SLUICE_GITLAB_TOKEN_FILE: join(dir, 'token') });
    const error = await assertSecretsReadable(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'secret_empty', message: expect.stringContaining(join(dir, 'token')) });
  });
});
