import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './args.js';
import { CliError } from './errors.js';

const parse = (argv: string[], env: Record<string, string> = {}) => parseCommandLine(argv, env);

function usageError(argv: string[]): string {
  try {
    parse(argv);
  } catch (err) {
    if (err instanceof CliError && err.kind === 'usage') return err.message;
    throw err;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('finds the command wherever the global options are, and takes options after the argument', () => {
    expect(parse(['-n', 'team-a', 'show', 'd1', '-o', 'yaml', '--kubeconfig', '/k'])).toEqual({
      kind: 'run',
      command: 'show',
      globals: { kubeconfig: '/k', namespace: 'team-a' },
      values: { namespace: 'team-a', output: 'yaml', kubeconfig: '/k' },
      args: ['d1'],
    });
  });

  it('defaults the namespace to $SLUICE_NAMESPACE, else sluice-system', () => {
    expect(parse(['deliveries'])).toMatchObject({ globals: { namespace: 'sluice-system', kubeconfig: undefined } });
    expect(parse(['deliveries'], { SLUICE_NAMESPACE: 'ops' })).toMatchObject({ globals: { namespace: 'ops' } });
  });

  it('asks for help with no arguments, --help, -h or "help <command>", and for the version with --version', () => {
    expect(parse([])).toEqual({ kind: 'help' });
    expect(parse(['--help'])).toEqual({ kind: 'help' });
    expect(parse(['logs', '-h'])).toEqual({ kind: 'help', command: 'logs' });
    expect(parse(['help', 'rollback'])).toEqual({ kind: 'help', command: 'rollback' });
    expect(parse(['--version'])).toEqual({ kind: 'version' });
  });

  it('accepts boolean flags in short and long form', () => {
    expect(parse(['deliveries', '-w'])).toMatchObject({ values: { watch: true } });
    expect(parse(['logs', 'd1', '-f', '-c', 'test'])).toMatchObject({ values: { follow: true, container: 'test' } });
    expect(parse(['rollback', 'shop', '--no-wait'])).toMatchObject({ values: { 'no-wait': true }, args: ['shop'] });
  });

  it('refuses, in one line naming the problem, unknown commands and options, missing values and arguments', () => {
    expect(usageError(['deploy'])).toBe(`unknown command "deploy"; commands: deliveries, show, logs, rollback, promote, applications (see 'sluice --help')`);
    expect(usageError(['deliveries', '--bogus'])).toBe(`deliveries: unknown option --bogus (see 'sluice deliveries --help')`);
    expect(usageError(['show', 'd1', '--watch'])).toBe(`show: unknown option --watch (see 'sluice show --help')`);
    expect(usageError(['deliveries', '--app'])).toBe(`deliveries: option --app needs a value (see 'sluice deliveries --help')`);
    expect(usageError(['promote'])).toBe(`promote needs DELIVERY (see 'sluice promote --help')`);
    expect(usageError(['show', 'a', 'b'])).toBe(`show: unexpected argument "b" (see 'sluice show --help')`);
  });

  it('refuses names that cannot be Kubernetes object names before any request is made', () => {
    expect(usageError(['show', '../etc'])).toContain('"../etc" is not a valid delivery name');
    expect(usageError(['rollback', 'Shop'])).toContain('"Shop" is not a valid application name');
    expect(usageError(['deliveries', '-n', 'A_B'])).toContain('"A_B" is not a valid namespace');
  });
});
