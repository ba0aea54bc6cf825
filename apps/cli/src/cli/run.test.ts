import { describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { useColor } from './io.js';
import { run } from './run.js';

async function runWith(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), tty: false, color: false, env, interrupt: new AbortController().signal, now: () => new Date() };
  const code = await run(argv, io, '1.2.3');
  return { code, out, err };
}

describe('run', () => {
  it('prints help and the version on stdout with exit 0', async () => {
    const help = await runWith([]);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: sluice <command> [arguments] [options]');
    expect(help.out).toContain('rollback APPLICATION');
    expect(await runWith(['--version'])).toEqual({ code: 0, out: '1.2.3\n', err: '' });
    const show = await runWith(['show', '--help']);
    expect(show.out).toContain('-o, --output json|yaml');
  });

  it('turns a usage error into exit 2 and one stderr line, before touching any credentials', async () => {
    const r = await runWith(['logs', 'd1', '--container', 'deploy'], { KUBECONFIG: '/nonexistent' });
    expect(r).toEqual({ code: 2, out: '', err: 'sluice: --container must be one of clone, install, test, build, got "deploy"\n' });
  });

  it('prints an error quoting text with control characters escaped', async () => {
    const r = await runWith(['logs', 'd1', '--container', 'x\x1b[2J'], { KUBECONFIG: '/nonexistent' });
    expect(r.err).toBe('sluice: --container must be one of clone, install, test, build, got "x^[[2J"\n');
  });

  it('refuses a --timeout longer than a timer can wait with exit 2 instead of giving up after 1 ms', async () => {
    const r = await runWith(['rollback', 'shop', '--timeout', '600h'], { KUBECONFIG: '/nonexistent' });
    expect(r).toEqual({ code: 2, out: '', err: 'sluice: --timeout must be at most 2147483647ms (596h, about 24 days), got "600h"\n' });
  });

  it('turns unloadable credentials into exit 1 and one line, without a stack trace', async () => {
    const r = await runWith(['deliveries', '--kubeconfig', '/nonexistent/config']);
    expect(r.code).toBe(1);
    expect(r.err.split('\n')).toHaveLength(2);
    expect(r.err).toMatch(/^sluice: cannot load Kubernetes credentials: /);
  });
});

describe('useColor', () => {
  it('colours only on a terminal, and never with NO_COLOR set or TERM=dumb', () => {
    expect(useColor(true, {})).toBe(true);
    expect(useColor(false, {})).toBe(false);
    expect(useColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(true, { NO_COLOR: '' })).toBe(true);
    expect(useColor(true, { TERM: 'dumb' })).toBe(false);
  });
});
