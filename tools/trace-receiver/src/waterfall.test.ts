import { describe, expect, it } from 'vitest';
import type { ReceivedSpan } from './types.js';
import { formatDuration, renderWaterfall } from './waterfall.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const MS = 1_000_000n;
const T0 = 1_700_000_000_000n * MS;

function span(spanId: string, name: string, startMs: number, endMs: number, more: Partial<ReceivedSpan> = {}): ReceivedSpan {
  return {
    traceId: TRACE,
    spanId,
    name,
    serviceName: 'webhook-gateway',
    kind: 'INTERNAL',
    startUnixNano: T0 + BigInt(startMs) * MS,
    endUnixNano: T0 + BigInt(endMs) * MS,
    statusCode: 'UNSET',
    attributes: {},
    events: [],
    ...more,
  };
}

const root = span('a1', 'delivery', 0, 100);
const test = span('b2', 'test', 10, 60, { parentSpanId: 'a1', serviceName: 'test-runner' });
const deploy = span('c3', 'deploy', 60, 100, { parentSpanId: 'a1', serviceName: 'deployer' });
const clone = span('d4', 'clone', 10, 20, { parentSpanId: 'b2', serviceName: 'test-runner' });

/** Lines without the header. */
const rows = (text: string) => text.split('\n').slice(1);
/** The (indented) span name of a row: what follows the bar, up to the service. */
const nameOf = (line: string) => /^ {2}( *\S+(?: \S+)*) {2}/.exec(line.slice(line.lastIndexOf('|') + 1))?.[1];

describe('renderWaterfall', () => {
  it('heads the waterfall with the trace id, the span count and the total duration', () => {
    expect(renderWaterfall([root, test]).split('\n')[0]).toBe(`trace ${TRACE} · 2 spans · 100.0 ms`);
  });

  it('shows children under their parent, indented by depth, siblings in start order, whatever the input order', () => {
    const names = rows(renderWaterfall([deploy, clone, test, root])).map(nameOf);
    expect(names).toEqual(['delivery', '  test', '    clone', '  deploy']);
  });

  it('gives each span its offset from the trace start, its duration and its service', () => {
    const [first, second] = rows(renderWaterfall([root, test]));
    expect(first).toMatch(/^\s+\+0 ns\s+100\.0 ms\s+\|/);
    expect(first).toMatch(/delivery {2}webhook-gateway$/);
    expect(second).toMatch(/^\s+\+10\.0 ms\s+50\.0 ms\s+\|/);
    expect(second).toMatch(/test {2}test-runner$/);
  });

  it('draws each bar where the span sits on the trace timeline, at the requested width', () => {
    const bars = rows(renderWaterfall([root, test, deploy], { width: 10 })).map((line) => /\|(.*)\|/.exec(line)?.[1]);
    expect(bars).toEqual(['██████████', ' █████    ', '      ████']);
  });

  it('still draws a visible bar for an instant span', () => {
    const instant = span('e5', 'webhook received', 50, 50, { parentSpanId: 'a1' });
    const bar = /\|(.*)\|/.exec(rows(renderWaterfall([root, instant], { width: 10 }))[1] ?? '')?.[1];
    expect(bar).toBe('     █    ');
  });

  it('marks a failed span with ERROR, its error.type and status message', () => {
    const failed = { ...test, statusCode: 'ERROR' as const, statusMessage: '2 tests failed', attributes: { 'error.type': 'TestsFailed' } };
    const [, line] = rows(renderWaterfall([root, failed]));
    expect(line).toMatch(/test-runner {2}ERROR error\.type=TestsFailed "2 tests failed"$/);
    expect(rows(renderWaterfall([root, { ...test, statusCode: 'OK' }]))[1]).not.toContain('ERROR');
  });

  it('shows a span whose parent was not received as a marked root instead of dropping it', () => {
    const text = renderWaterfall([test, clone]);
    expect(rows(text).map(nameOf)).toEqual(['↳ test', '  clone']);
  });

  it('shows every span even when parents form a cycle', () => {
    const a = span('a1', 'a', 0, 10, { parentSpanId: 'b2' });
    const b = span('b2', 'b', 0, 10, { parentSpanId: 'a1' });
    expect(rows(renderWaterfall([a, b]))).toHaveLength(2);
  });

  it('colours failures red only when asked', () => {
    const failed = { ...test, statusCode: 'ERROR' as const };
    expect(renderWaterfall([root, failed])).not.toContain('\x1b[');
    expect(renderWaterfall([root, failed], { color: true })).toContain('\x1b[31mERROR');
  });

  it('says so when there are no spans', () => {
    expect(renderWaterfall([])).toBe('(no spans)');
  });
});

describe('formatDuration', () => {
  it('picks a readable unit', () => {
    expect([850n, 12_345n, 3_400_000n, 1_250_000_000n, 125_000_000_000n].map(formatDuration)).toEqual([
      '850 ns',
      '12 µs',
      '3.4 ms',
      '1.25 s',
      '2 min 5 s',
    ]);
  });
});
