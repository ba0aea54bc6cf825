import { fileURLToPath } from 'node:url';
import { runServiceProcess } from '@sluice/service/testing';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));

describe('deployer process', () => {
  it('exits 1 naming the bad variable on stderr', async () => {
    const exit = await runServiceProcess({ entry, env: { SLUICE_LOG_LEVEL: 'chatty', SLUICE_LEASE_DURATION: '1ms' } });
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain('SLUICE_LOG_LEVEL');
    expect(exit.stderr).toContain('SLUICE_LEASE_DURATION');
  }, 90_000);
});
