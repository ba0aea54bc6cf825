import { describe, expect, it } from 'vitest';
import { printable, printableDeep } from './printable.js';

describe('printable', () => {
  it('shows escape sequences instead of letting the terminal obey them', () => {
    expect(printable('\x1b[2J\x1b[Hhidden')).toBe('^[[2J^[[Hhidden');
    // OSC 0 (window title) ended by BEL, and an OSC 8 hyperlink ended by ST.
    expect(printable('\x1b]0;owned\x07')).toBe('^[]0;owned^G');
    expect(printable('\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\')).toBe('^[]8;;https://evil.example/^[\\click^[]8;;^[\\');
  });

  it('escapes every C0 control but tab and newline, DEL, and the C1 controls (U+009B is a one-character CSI)', () => {
    expect(printable('a\tb\nc')).toBe('a\tb\nc');
    expect(printable('\x00\x08\x0b\x0c\r\x1f')).toBe('^@^H^K^L^M^_');
    expect(printable('\x7f')).toBe('^?');
    expect(printable('\x9b31mred \x80\x9f')).toBe('M-^[31mred M-^@M-^_');
  });

  it('leaves everything else alone, other scripts and symbols included', () => {
    const text = 'Grace Hopper <grace@example.com> ✓ ✗ … Ünïcödé 日本語 \u00a0 🚀';
    expect(printable(text)).toBe(text);
  });
});

describe('printableDeep', () => {
  it('escapes every string in nested objects and arrays, leaving other values and the input untouched', () => {
    const input = { title: 'x\x1b[31m', n: 3, ok: true, none: null, list: ['\r', { deep: '\x9b' }] };
    expect(printableDeep(input)).toEqual({ title: 'x^[[31m', n: 3, ok: true, none: null, list: ['^M', { deep: 'M-^[' }] });
    expect(input.title).toBe('x\x1b[31m');
  });
});
