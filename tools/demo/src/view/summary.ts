/**
 * The end-of-run summary, as text. Pure: a result in, lines out (the
 * waterfall comes pre-rendered, from the trace receiver's renderer).
 */
import type { DemoResult } from '../result.js';
import { formatDuration, painter, pad, phaseStyle, phaseSymbol, short } from './format.js';
import { stageCell, testCounts } from './table.js';

/** Options of {@link renderSummary}. */
export interface SummaryOptions {
  readonly color?: boolean;
  /** The text waterfall of `result.trace`, if any. */
  readonly waterfall?: string;
  /** The wall-time target. Default 3 minutes. */
  readonly targetMs?: number;
}

/** Deliveries, statuses, what is live, the trace, the time, and the verdict. */
export function renderSummary(result: DemoResult, options: SummaryOptions = {}): string {
  const paint = painter(options.color ?? false);
  const lines: string[] = ['', paint('bold', 'Deliveries')];
  for (const d of result.deliveries) {
    const phase = d.phase ?? 'not delivered';
    const outcome = `${d.phase ? phaseSymbol(d.phase) : '✗'} ${phase}${d.reason ? ` (${d.reason})` : ''}`;
    const stages = d.stages.map((s) => `${s.label} ${stageCell(s, new Date(s.finishedAt ?? s.startedAt ?? 0))}`).join('   ');
    lines.push(`  ${pad(d.version, 3)} ${short(d.sha)}  ${pad(paint(d.phase ? phaseStyle(d.phase) : 'red', outcome), 38)} ${stages}`);
    lines.push(`      ${d.title}${d.url ? `  ${paint('cyan', d.url)}` : ''}`);
    const failedTests = d.stages.map(testCounts).find((t) => t.includes('failed'));
    if (failedTests) lines.push(`      ${paint('red', failedTests)}`);
    else if (d.message && d.phase !== 'Live') lines.push(`      ${paint('dim', d.message)}`);
  }

  lines.push('', paint('bold', 'GitLab commit statuses'));
  for (const d of result.deliveries) {
    const posted = result.statuses[d.sha] ?? {};
    const text = Object.entries(posted)
      .map(([name, state]) => `${name} ${paint(state === 'success' ? 'green' : state === 'failed' ? 'red' : 'dim', state)}`)
      .join('  ');
    lines.push(`  ${pad(d.version, 3)} ${short(d.sha)}  ${text || paint('dim', 'none')}`);
  }

  lines.push('', paint('bold', 'Live'));
  const live = result.live;
  lines.push(
    live.revision
      ? `  ${live.version ?? '?'} (${short(live.revision)}) on ${live.color ?? '?'}` +
          (live.answer !== undefined ? ` — GET / answered ${JSON.stringify(live.answer.trim())}${live.pod ? ` (pod ${live.pod})` : ''}` : '')
      : '  nothing is live',
  );

  if (result.traffic) {
    const t = result.traffic;
    lines.push('', paint('bold', `Traffic through the Service (${t.rate} requests/s, a new connection each)`));
    lines.push(
      `  ${t.sent} requests, ${t.failed === 0 ? paint('green', 'none failed') : paint('red', `${t.failed} failed`)}; answered by ${t.sequence.join(' → ') || 'nothing'}`,
    );
  }

  if (result.trace) {
    lines.push('', paint('bold', `Trace of ${result.trace.version}: ${result.trace.traceId}`));
    lines.push(options.waterfall ?? paint('dim', '  (no spans received)'));
  } else if (result.traceUnavailable) {
    lines.push('', paint('bold', 'Trace'), `  ${paint('dim', `no trace receiver: ${result.traceUnavailable}`)}`);
  }
  const ids = result.deliveries.filter((d) => d.traceId).map((d) => `${d.version} ${d.traceId}`);
  if (ids.length > 0) lines.push(paint('dim', `  trace ids: ${ids.join('  ')}`));

  const t = result.timings;
  const target = options.targetMs ?? 180_000;
  lines.push(
    '',
    `${paint('bold', 'Time')} ${formatDuration(t.totalMs)} (start-up ${formatDuration(t.startupMs)}, deliveries ${formatDuration(t.deliveriesMs)})` +
      (t.totalMs > target ? paint('yellow', ` — over the ${formatDuration(target)} target`) : ''),
  );
  if (result.problems.length === 0) lines.push(paint('green', '✓ Everything behaved as expected.'));
  else lines.push(paint('red', `✗ ${result.problems.length} thing(s) differed from the story:`), ...result.problems.map((p) => `  - ${p}`));
  return `${lines.join('\n')}\n`;
}
