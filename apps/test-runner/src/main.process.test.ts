import { fileURLToPath } from 'node:url';
import { runServiceProcess } from '@sluice/service/testing';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('test-runner process', () => {
  it('exits 1 naming the bad variable on stderr', async () => {
    const exit = await runServiceProcess({ entry, env: { SLUICE_LOG_LEVEL: 'chatty' } });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('SLUICE_LOG_LEVEL');
  }, 90_000);

  it('refuses the archive build without a registry URL', async () => {
    const exit = await runServiceProcess({ entry, env: { SLUICE_BUILD_MODE: 'archive' } });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('SLUICE_ARTIFACT_REGISTRY_URL');
  }, 90_000);
});
