/**
 * A text waterfall of one trace, for test failures and the demo. Pure.
 *
 *   trace 5b8efff798038103d269b633813fc60c · 2 spans · 100.0 ms
 *        +0 ns  100.0 ms  |████████████████████████████████████████|  push received  webhook-gateway
 *     +10.0 ms   50.0 ms  |    ████████████████████                |    run tests  test-runner  ERROR error.type=TestsFailed
 */
import type { ReceivedSpan } from './types.js';

/** Options for {@link renderWaterfall}. */
export interface WaterfallOptions {
  /** Width of the bar column in characters (default 40, at least 10). */
  width?: number;
  /** ANSI colours: errors red, bars cyan, services dim (default false). */
  color?: boolean;
}

const ANSI = { red: '\x1b[31m', cyan: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' } as const;

/** One line per span, indented by depth, with offset from trace start, duration, a bar, service, and status/error.type when failed. */
export function renderWaterfall(spans: ReceivedSpan[], options: WaterfallOptions = {}): string {
  const width = Math.max(10, Math.floor(options.width ?? 40));
  const paint = (code: keyof typeof ANSI, text: string) => (options.color ? `${ANSI[code]}${text}${ANSI.reset}` : text);
  const first = spans[0];
  if (!first) return '(no spans)';

  const start = spans.reduce((min, s) => (s.startUnixNano < min ? s.startUnixNano : min), first.startUnixNano);
  const end = spans.reduce((max, s) => (s.endUnixNano > max ? s.endUnixNano : max), first.endUnixNano);
  const total = end > start ? end - start : 1n;
  const traceIds = [...new Set(spans.map((s) => s.traceId))];
  const header = `trace ${traceIds.join(', ')} · ${spans.length} span${spans.length === 1 ? '' : 's'} · ${formatDuration(end - start)}`;

  const rows = orderByTree(spans).map(({ span, depth, orphan }) => {
    const offset = `+${formatDuration(span.startUnixNano - start)}`.padStart(10);
    const duration = formatDuration(span.endUnixNano - span.startUnixNano).padStart(9);
    const bar = paint(span.statusCode === 'ERROR' ? 'red' : 'cyan', barOf(span, start, total, width));
    const name = `${'  '.repeat(depth)}${orphan ? '↳ ' : ''}${span.name}`;
    const failure = span.statusCode === 'ERROR' ? `  ${paint('red', failureOf(span))}` : '';
    return `${offset} ${duration}  |${bar}|  ${paint('bold', name)}  ${paint('dim', span.serviceName)}${failure}`;
  });
  return [header, ...rows].join('\n');
}

/** Depth-first by parent, siblings by start time; spans whose parent is not in the set are roots (marked when they name one). */
function orderByTree(spans: ReceivedSpan[]): { span: ReceivedSpan; depth: number; orphan: boolean }[] {
  const byStart = [...spans].sort((a, b) => (a.startUnixNano < b.startUnixNano ? -1 : a.startUnixNano > b.startUnixNano ? 1 : 0));
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  for (const span of byStart) {
    if (span.parentSpanId && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    }
  }
  const out: { span: ReceivedSpan; depth: number; orphan: boolean }[] = [];
  const seen = new Set<ReceivedSpan>();
  const visit = (span: ReceivedSpan, depth: number, orphan: boolean) => {
    if (seen.has(span)) return;
    seen.add(span);
    out.push({ span, depth, orphan });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1, false);
  };
  for (const span of byStart) {
    const isRoot = !span.parentSpanId || !ids.has(span.parentSpanId) || span.parentSpanId === span.spanId;
    if (isRoot) visit(span, 0, Boolean(span.parentSpanId));
  }
  // A parent cycle has no root: show what is left rather than drop it.
  for (const span of byStart) visit(span, 0, true);
  return out;
}

function barOf(span: ReceivedSpan, start: bigint, total: bigint, width: number): string {
  const w = BigInt(width);
  let from = Number(((span.startUnixNano - start) * w) / total);
  let to = Number(((span.endUnixNano - start) * w + total - 1n) / total);
  from = Math.min(Math.max(from, 0), width - 1);
  to = Math.min(Math.max(to, from + 1), width);
  return ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(width - to);
}

function failureOf(span: ReceivedSpan): string {
  const type = span.attributes['error.type'];
  const parts = ['ERROR'];
  if (type !== undefined) parts.push(`error.type=${String(type)}`);
  if (span.statusMessage) parts.push(JSON.stringify(span.statusMessage));
  return parts.join(' ');
}

/** `850 ns`, `12 µs`, `3.4 ms`, `1.25 s`, `2 min 5 s`. */
export function formatDuration(ns: bigint): string {
  if (ns < 0n) return `-${formatDuration(-ns)}`;
  if (ns < 1_000n) return `${ns} ns`;
  if (ns < 1_000_000n) return `${Number(ns / 1_000n)} µs`;
  if (ns < 1_000_000_000n) return `${(Number(ns) / 1e6).toFixed(1)} ms`;
  if (ns < 60_000_000_000n) return `${(Number(ns) / 1e9).toFixed(2)} s`;
  const seconds = Number(ns / 1_000_000_000n);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
