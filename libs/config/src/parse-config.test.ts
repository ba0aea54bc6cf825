import * as z from 'zod';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { boolean, duration, filePath, integer, list, logLevel, oneOf, port, string, url } from './fields.js';
import { parseConfig } from './parse-config.js';

const schema = z.object({
  SLUICE_PORT: port().default(8080),
  SLUICE_LOG_LEVEL: logLevel().default('info'),
  SLUICE_GITLAB_URL: url(),
  SLUICE_DRY_RUN: boolean().default(false),
  SLUICE_BAKE: duration({ unit: 's' }).default(120),
  SLUICE_NAMESPACES: list().default(['sluice-test']),
  SLUICE_TOKEN_FILE: filePath(),
  SLUICE_CLUSTER: string().optional(),
});

const valid = { SLUICE_GITLAB_URL: 'https://gitlab.example.com', SLUICE_TOKEN_FILE: '/var/run/secrets/sluice/token' };

function problemsOf(env: Record<string, string>, s: z.ZodObject = schema): readonly string[] {
  try {
    parseConfig(s, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('returns typed values with defaults applied', () => {
    const config = parseConfig(schema, valid);
    expect(config).toEqual({
      SLUICE_PORT: 8080,
      SLUICE_LOG_LEVEL: 'info',
      SLUICE_GITLAB_URL: 'https://gitlab.example.com',
      SLUICE_DRY_RUN: false,
      SLUICE_BAKE: 120,
      SLUICE_NAMESPACES: ['sluice-test'],
      SLUICE_TOKEN_FILE: '/var/run/secrets/sluice/token',
    });
    expectTypeOf(config.SLUICE_PORT).toEqualTypeOf<number>();
    expectTypeOf(config.SLUICE_LOG_LEVEL).toEqualTypeOf<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'>();
    expectTypeOf(config.SLUICE_CLUSTER).toEqualTypeOf<string | undefined>();
  });

  it('parses every helper from env strings, trimming and treating empty as unset', () => {
    const config = parseConfig(schema, {
      ...valid,
      SLUICE_PORT: ' 3000\n',
      SLUICE_LOG_LEVEL: 'DEBUG',
      SLUICE_DRY_RUN: '1',
      SLUICE_BAKE: '5m',
      SLUICE_NAMESPACES: 'a, b,,c ',
      SLUICE_CLUSTER: '',
    });
    expect(config).toMatchObject({
      SLUICE_PORT: 3000,
      SLUICE_LOG_LEVEL: 'debug',
      SLUICE_DRY_RUN: true,
      SLUICE_BAKE: 300,
      SLUICE_NAMESPACES: ['a', 'b', 'c'],
    });
    expect(config.SLUICE_CLUSTER).toBeUndefined();
  });

  it('returns a deeply frozen config', () => {
    const config = parseConfig(schema, valid);
    expect(() => {
      (config as { SLUICE_PORT: number }).SLUICE_PORT = 1;
    }).toThrow(TypeError);
    expect(() => (config.SLUICE_NAMESPACES as string[]).push('x')).toThrow(TypeError);
  });

  it('reads only the env it is given', () => {
    process.env['SLUICE_GITLAB_URL'] = 'https://from-process-env.example.com';
    try {
      expect(problemsOf({ SLUICE_TOKEN_FILE: '/t' })).toEqual(['SLUICE_GITLAB_URL: required; expected an absolute http or https URL']);
    } finally {
      delete process.env['SLUICE_GITLAB_URL'];
    }
  });

  it('names every missing and bad variable with what was expected', () => {
    expect(
      problemsOf({
        SLUICE_PORT: 'abc',
        SLUICE_LOG_LEVEL: 'verbose',
        SLUICE_DRY_RUN: 'yes',
        SLUICE_BAKE: '10 minutes',
        SLUICE_TOKEN_FILE: 'token',
      }),
    ).toEqual([
      'SLUICE_PORT: expected an integer between 1 and 65535, got "abc"',
      'SLUICE_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
      'SLUICE_GITLAB_URL: required; expected an absolute http or https URL',
      'SLUICE_DRY_RUN: expected one of true, false, 1, 0, got "yes"',
      'SLUICE_BAKE: expected a duration such as 500ms, 30s, 5m or 1h (bare numbers are seconds), got "10 minutes"',
      'SLUICE_TOKEN_FILE: expected an absolute file path, got "token"',
    ]);
  });

  it('puts the problems in the error message, ready to print', () => {
    try {
      parseConfig(schema, { ...valid, SLUICE_PORT: '70000' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('invalid_config');
      expect((error as ConfigError).cause).toBeInstanceOf(z.ZodError);
      expect((error as ConfigError).message).toBe('Invalid configuration:\n  SLUICE_PORT: expected an integer between 1 and 65535, got "70000"');
    }
  });

  it('never echoes URL credentials', () => {
    let caught: unknown;
    try {
      parseConfig(schema, { ...valid, SLUICE_GITLAB_URL: 'ftp://deploy:hunter2@gitlab.example.com' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems).toEqual(['SLUICE_GITLAB_URL: expected an absolute http or https URL, got "ftp://***@gitlab.example.com"']);
    expect(`${error.message}${JSON.stringify(error.cause)}`).not.toContain('hunter2');
  });

  it('says a variable read with string() is required when unset', () => {
    expect(problemsOf({}, z.object({ SLUICE_CLUSTER: string() }))).toEqual(['SLUICE_CLUSTER: required; expected a non-empty value']);
  });

  it('says a plain zod field is required when its variable is unset', () => {
    expect(problemsOf({}, z.object({ SLUICE_MODE: z.enum(['a', 'b']) }))).toEqual([
      'SLUICE_MODE: required; Invalid option: expected one of "a"|"b"',
    ]);
  });
});

describe('field helpers', () => {
  it.each([
    [integer({ min: 1 }), '0', 'expected an integer of at least 1, got "0"'],
    [integer(), '1.5', 'expected an integer, got "1.5"'],
    [duration({ unit: 'ms', max: 1000 }), '2s', 'expected a duration of at most 1000ms such as 500ms, 30s, 5m or 1h (bare numbers are milliseconds), got "2s"'],
    [oneOf(['blue', 'green']), 'red', 'expected one of blue, green, got "red"'],
    [list(port()), '80,x', 'item 2: expected an integer between 1 and 65535, got "x"'],
    [list(url()), 'https://a.example,ftp://u:secret@b.example', 'item 2: expected an absolute http or https URL, got "ftp://***@b.example"'],
    [list(), ' , ', 'expected a comma-separated list with at least one item, got " , "'],
    [url({ protocols: ['https'] }), 'http://x.example', 'expected an absolute https URL, got "http://x.example"'],
    [integer(), 'x'.repeat(100), `expected an integer, got "${'x'.repeat(80)}…"`],
  ])('%#: rejects %j', (field, raw, message) => {
    expect(field.safeParse(raw).error?.issues[0]?.message).toBe(message);
  });

  it.each([
    [duration({ unit: 's' }), '1500ms', 1.5],
    [duration({ unit: 'ms' }), '2', 2],
    [duration({ unit: 'ms' }), '1h', 3_600_000],
    [boolean(), 'FALSE', false],
    [boolean(), '0', false],
    [oneOf(['blue', 'green']), 'Green', 'green'],
    [list(port()), '80, 443', [80, 443]],
    [string(), 'any text', 'any text'],
  ] as const)('%#: parses %j', (field, raw, value) => {
    expect(field.parse(raw)).toEqual(value);
  });
});
