import { ConfigError } from '@sluice/config';
import { describe, expect, it } from 'vitest';
import { launch } from './launch.js';

async function outcome(start: () => Promise<unknown>) {
  let stderr = '';
  const codes: number[] = [];
  await launch('svc', start, { stderr: (text) => void (stderr += text), exit: (code) => void codes.push(code) });
  return { stderr, codes };
}

describe('launch', () => {
  it('does nothing more when start-up succeeds', async () => {
    expect(await outcome(async () => undefined)).toEqual({ stderr: '', codes: [] });
  });

  it('prints a ConfigError message without a stack and exits 1', async () => {
    const result = await outcome(async () => {
      throw new ConfigError('invalid_config', ['SLUICE_PORT: expected an integer between 1 and 65535, got "x"']);
    });
    expect(result.codes).toEqual([1]);
    expect(result.stderr).toContain('svc: failed to start: Invalid configuration:\n  SLUICE_PORT: expected');
    expect(result.stderr).not.toContain('    at ');
  });

  it('prints the stack of an unexpected error', async () => {
    const result = await outcome(async () => {
      throw new TypeError('undefined is not a function');
    });
    expect(result.codes).toEqual([1]);
    expect(result.stderr).toMatch(/TypeError: undefined is not a function\n\s+at /);
  });
});
