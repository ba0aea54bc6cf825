import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { actionOptions, deliveriesOptions, logsOptions, showOptions } from './options.js';

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError && err.kind === 'usage') return err.message;
    throw err;
  }
  throw new Error('expected a usage error');
}

describe('command options', () => {
  it('deliveries: filters, a default limit of 20 (0 = all), table unless -o json', () => {
    expect(deliveriesOptions({})).toEqual({ filter: {}, limit: 20, watch: false, output: 'table' });
    expect(deliveriesOptions({ app: 'shop', branch: 'feature/x', limit: '0', watch: true, output: 'json' })).toEqual({
      filter: { app: 'shop', branch: 'feature/x' },
      limit: 0,
      watch: true,
      output: 'json',
    });
    expect(usageMessage(() => deliveriesOptions({ limit: '-1' }))).toBe('--limit must be a whole number ≥ 0, got "-1"');
    expect(usageMessage(() => deliveriesOptions({ output: 'yaml' }))).toBe('-o must be json, got "yaml"');
  });

  it('show: text unless -o json or yaml', () => {
    expect(showOptions({})).toEqual({ output: 'text' });
    expect(showOptions({ output: 'yaml' })).toEqual({ output: 'yaml' });
    expect(usageMessage(() => showOptions({ output: 'xml' }))).toBe('-o must be json or yaml, got "xml"');
  });

  it('logs: every step unless --container names one; test and build namespaces from the flags, the environment, else the defaults', () => {
    expect(logsOptions({}, {})).toEqual({ container: undefined, follow: false, tail: undefined, testNamespace: 'sluice-test', buildNamespace: 'sluice-build' });
    expect(logsOptions({ container: 'install', follow: true, tail: '5' }, { SLUICE_TEST_NAMESPACE: 'ci', SLUICE_BUILD_NAMESPACE: 'ci-build' })).toEqual({
      container: 'install',
      follow: true,
      tail: 5,
      testNamespace: 'ci',
      buildNamespace: 'ci-build',
    });
    expect(logsOptions({ 'test-namespace': 'tests' }, { SLUICE_TEST_NAMESPACE: 'ci' }).testNamespace).toBe('tests');
    expect(logsOptions({ 'build-namespace': 'builds' }, { SLUICE_BUILD_NAMESPACE: 'ci-build' }).buildNamespace).toBe('builds');
    expect(usageMessage(() => logsOptions({ container: 'deploy' }, {}))).toBe('--container must be one of clone, install, test, build, got "deploy"');
  });

  it('rollback/promote: wait 60s unless --timeout or --no-wait; --env must be an environment', () => {
    expect(actionOptions({})).toEqual({ env: undefined, waitMs: 60_000 });
    expect(actionOptions({ env: 'staging', timeout: '2m' })).toEqual({ env: 'staging', waitMs: 120_000 });
    expect(actionOptions({ timeout: '45' }).waitMs).toBe(45_000);
    expect(actionOptions({ timeout: '500ms' }).waitMs).toBe(500);
    expect(actionOptions({ 'no-wait': true }).waitMs).toBeUndefined();
    expect(usageMessage(() => actionOptions({ env: 'qa' }))).toBe('--env must be one of staging, production, got "qa"');
    expect(usageMessage(() => actionOptions({ timeout: 'soon' }))).toBe('--timeout must be a duration such as 30s, 5m or 1h, got "soon"');  });

  it('--timeout refuses what a timer cannot wait for (above 2^31−1 ms it would fire at once), naming the maximum', () => {
    expect(actionOptions({ timeout: '2147483' }).waitMs).toBe(2_147_483_000);
    expect(actionOptions({ timeout: '35791m' }).waitMs).toBe(35_791 * 60_000);
    expect(actionOptions({ timeout: '596h' }).waitMs).toBe(596 * 3_600_000);
    const tooLong = '--timeout must be at most 2147483647ms (596h, about 24 days), got';
    expect(usageMessage(() => actionOptions({ timeout: '2147484s' }))).toBe(`${tooLong} "2147484s"`);
    expect(usageMessage(() => actionOptions({ timeout: '35792m' }))).toBe(`${tooLong} "35792m"`);
    expect(usageMessage(() => actionOptions({ timeout: '597h' }))).toBe(`${tooLong} "597h"`);
    expect(usageMessage(() => actionOptions({ timeout: '9999999h' }))).toBe(`${tooLong} "9999999h"`);
  });
});
