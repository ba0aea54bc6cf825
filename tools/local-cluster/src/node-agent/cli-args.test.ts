import { describe, expect, it } from 'vitest';
import { parseArgs } from './cli-args.js';

describe('parseArgs', () => {
  it('accepts --flag=value and --flag value', () => {
    expect(parseArgs(['--kubeconfig=/k', '--port', '10250', '--node-name=n'])).toEqual({ kubeconfig: '/k', port: '10250', 'node-name': 'n' });
  });
  it('rejects unknown flags and missing values', () => {
    expect(() => parseArgs(['--nope=1'])).toThrow(/unknown argument/);
    expect(() => parseArgs(['--port'])).toThrow(/needs a value/);
  });
});
