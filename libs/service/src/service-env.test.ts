import { parseConfig } from '@sluice/config';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { serviceEnv } from './service-env.js';

const schema = z.object(serviceEnv({ defaultPort: 8081 }));

describe('serviceEnv', () => {
  it('has defaults for every shared variable', () => {
    expect(parseConfig(schema, {})).toEqual({
      SLUICE_PORT: 8081,
      SLUICE_HOST: '0.0.0.0',
      SLUICE_LOG_LEVEL: 'info',
      SLUICE_SHUTDOWN_TIMEOUT: 10_000,
    });
  });

  it('parses set values', () => {
    const config = parseConfig(schema, { SLUICE_PORT: '9000', SLUICE_HOST: '127.0.0.1', SLUICE_LOG_LEVEL: 'DEBUG', SLUICE_SHUTDOWN_TIMEOUT: '25s' });
    expect(config).toEqual({ SLUICE_PORT: 9000, SLUICE_HOST: '127.0.0.1', SLUICE_LOG_LEVEL: 'debug', SLUICE_SHUTDOWN_TIMEOUT: 25_000 });
  });

  it('names each bad variable', () => {
    expect(() => parseConfig(schema, { SLUICE_PORT: '0', SLUICE_LOG_LEVEL: 'loud' })).toThrow(/SLUICE_PORT[\s\S]*SLUICE_LOG_LEVEL/);
  });
});
