import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ContainerLog,
  logTailMessage,
  nanoTimestamp,
  parseRecords,
  readRecords,
  renderLog,
  type LogRecord,
} from './container-log.js';

const rec = (content: string, time = '2026-11-26T12:00:00.000000000Z', partial = false): LogRecord => ({
  time,
  stream: 'stdout',
  partial,
  content,
});

describe('renderLog', () => {
  const records = [rec('one', '2026-11-26T12:00:01.000000000Z'), rec('two', '2026-11-26T12:00:02.000000000Z'), rec('thr', '2026-11-26T12:00:03.000000000Z', true), rec('ee', '2026-11-26T12:00:03.000000000Z')];

  it('returns every line by default', () => {
    expect(renderLog(records, {}).toString()).toBe('one\ntwo\nthree\n');
  });
  it('tails whole lines, joining partial records', () => {
    expect(renderLog(records, { tailLines: 1 }).toString()).toBe('three\n');
    expect(renderLog(records, { tailLines: 0 }).toString()).toBe('');
  });
  it('prefixes timestamps and cuts at limitBytes', () => {
    expect(renderLog(records, { timestamps: true, tailLines: 2 }).toString()).toBe(
      '2026-11-26T12:00:02.000000000Z two\n2026-11-26T12:00:03.000000000Z thr2026-11-26T12:00:03.000000000Z ee\n',
    );
    expect(renderLog(records, { limitBytes: 5 }).toString()).toBe('one\nt');
  });
  it('filters by time', () => {
    expect(renderLog(records, { sinceMs: Date.parse('2026-11-26T12:00:02Z') }).toString()).toBe('two\nthree\n');
  });
});

describe('logTailMessage', () => {
  it('keeps the last 80 lines and 2048 bytes', () => {
    const many = Array.from({ length: 100 }, (_, i) => rec(`line ${i}`));
    const msg = logTailMessage(many);
    expect(msg.startsWith('line 20\n')).toBe(true);
    expect(logTailMessage([rec('x'.repeat(5000))]).length).toBe(2048);
  });
});

describe('ContainerLog', () => {
  it('writes CRI records line by line, per stream, and flushes on close', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clog-')), '0.log');
    const log = new ContainerLog(path);
    const seen: string[] = [];
    let ended = false;
    log.on('record', (r) => seen.push(`${r.stream}:${r.content}`));
    log.on('end', () => (ended = true));
    log.write('stdout', Buffer.from('hel'));
    log.write('stderr', Buffer.from('oops\n'));
    log.write('stdout', Buffer.from('lo\nwor'));
    log.write('stdout', Buffer.from([0xc3]));
    log.write('stdout', Buffer.from([0xa9]));
    log.close();
    expect(seen).toEqual(['stderr:oops', 'stdout:hello', 'stdout:woré']);
    expect(ended).toBe(true);
    expect(readFileSync(path, 'utf8')).toMatch(/^\S+Z stderr F oops\n\S+Z stdout F hello\n\S+Z stdout F woré\n$/);
    expect(renderLog(readRecords(path), {}).toString()).toBe('oops\nhello\nworé\n');
    log.write('stdout', 'ignored after close');
  });

  it('splits over-long lines into partial records', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clog-')), '0.log');
    const log = new ContainerLog(path);
    log.write('stdout', `${'a'.repeat(20_000)}\n`);
    log.close();
    const records = readRecords(path);
    expect(records.map((r) => r.partial)).toEqual([true, false]);
    expect(renderLog(records, {}).toString()).toBe(`${'a'.repeat(20_000)}\n`);
  });
});

describe('timestamps', () => {
  it('formats RFC 3339 with nine fractional digits', () => {
    expect(nanoTimestamp(Date.parse('2026-11-26T12:00:00.123Z') + 0.456)).toBe('2026-11-26T12:00:00.123456000Z');
    expect(parseRecords('2026-11-26T12:00:00.1Z stdout F x\ngarbage\n')).toHaveLength(1);
  });
});
