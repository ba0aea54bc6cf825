import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from './cli-args.js';

const tty = { isTTY: true, noColor: false };
const pipe = { isTTY: false, noColor: false };

describe('demo command line', () => {
  it('redraws a coloured table in a terminal, prints plain lines when piped (CI)', () => {
    expect(parseDemoArgs([], tty)).toEqual({ help: false, keep: false, output: 'tty', color: true });
    expect(parseDemoArgs([], pipe)).toEqual({ help: false, keep: false, output: 'lines', color: false });
  });

  it('takes --keep, --plain and --no-color (and NO_COLOR)', () => {
    expect(parseDemoArgs(['--keep', '--plain', '--no-color'], tty)).toEqual({ help: false, keep: true, output: 'lines', color: false });
    expect(parseDemoArgs([], { isTTY: true, noColor: true }).color).toBe(false);
  });

  it('refuses an unknown argument, naming it', () => {
    expect(() => parseDemoArgs(['--fast'], tty)).toThrow('unknown argument "--fast"');
  });
});
