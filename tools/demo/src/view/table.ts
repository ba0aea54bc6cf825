/**
 * The live view of the deliveries, as text. Pure: rows and a clock in, lines out.
 */
import { formatDuration, painter, pad, phaseStyle, phaseSymbol, stageStyle, stageSymbol, visibleLength } from './format.js';
import { stageDurationMs, type DeliveryRow, type StageRow } from './model.js';

/** Options of {@link renderTable}. */
export interface TableOptions {
  readonly now: Date;
  readonly color?: boolean;
  /** Terminal width: the trailing note is cut to fit. Default 120. */
  readonly width?: number;
}

const STAGES = ['test', 'build', 'deploy:production'] as const;
const WIDTH = { version: 3, name: 21, phase: 12, stage: 10 } as const;

/**
 * A small table, one line per delivery: version, Delivery name (it carries
 * the short SHA), phase, each stage's symbol and duration (running stages
 * count up), and a note — why it failed, or which test did. For a terminal
 * that is redrawn in place.
 */
export function renderTable(rows: readonly DeliveryRow[], options: TableOptions): string[] {
  const paint = painter(options.color ?? false);
  const width = options.width ?? 120;
  const labels = [...STAGES, ...new Set(rows.flatMap((r) => r.stages.map((s) => s.label)).filter((l) => !(STAGES as readonly string[]).includes(l)))];
  const stageWidth = (label: string) => Math.max(WIDTH.stage, label.length);
  const columns = ['ver', pad('delivery', WIDTH.name), pad('phase', WIDTH.phase), ...labels.map((l) => pad(l, stageWidth(l)))];
  const fixed = visibleLength(columns.join(' ')) + 1;
  const header = fixed + 'note'.length <= width ? [...columns, 'note'] : columns;
  const lines = rows.map((row) => {
    const cells = labels.map((label) => {
      const stage = row.stages.find((s) => s.label === label);
      return pad(stage ? paint(stageStyle(stage.state), stageCell(stage, options.now)) : '', stageWidth(label));
    });
    const note = clip(noteOf(row), Math.max(0, width - fixed - 1));
    return [
      pad(row.version, WIDTH.version),
      pad(row.name, WIDTH.name),
      pad(paint(phaseStyle(row.phase), `${phaseSymbol(row.phase)} ${row.phase}`), WIDTH.phase),
      ...cells,
      note && paint('dim', note),
    ]
      .join(' ')
      .trimEnd();
  });
  return [paint('bold', header.join(' ').trimEnd()), ...lines];
}

/** Why a delivery ended badly (the failing test, when there is one), or what it waits for. */
function noteOf(row: DeliveryRow): string {
  const failedTests = row.stages.map(testCounts).find((t) => t.includes('failed'));
  if (failedTests) return failedTests;
  if (row.reason) return `${row.reason}${row.message ? `: ${row.message}` : ''}`;
  return row.stages.find((s) => s.state === 'running' && s.message)?.message ?? '';
}

/** `✓ 3.2s`, `… 1.4s`, `· pending`, `– canceled`. */
export function stageCell(stage: StageRow, now: Date): string {
  const duration = stageDurationMs(stage, now);
  const detail = duration === undefined ? stage.state : formatDuration(duration);
  return `${stageSymbol(stage.state)} ${detail}`;
}

/**
 * What changed from `before` to `after`, one line each — for logs and CI,
 * where nothing is redrawn: the phase, then every stage whose state moved.
 * `elapsed` prefixes each line (time since the demo started).
 */
export function changeLines(before: DeliveryRow | undefined, after: DeliveryRow, elapsed: string, color = false): string[] {
  const paint = painter(color);
  const who = `${after.version} ${after.name}`;
  const lines: string[] = [];
  if (before?.phase !== after.phase) {
    const why = after.reason ? ` (${after.reason}${after.message ? `: ${clip(after.message, 120)}` : ''})` : '';
    lines.push(`${paint('dim', elapsed)} ${who}  phase ${paint(phaseStyle(after.phase), `${phaseSymbol(after.phase)} ${after.phase}`)}${why}`);
  }
  for (const stage of after.stages) {
    const old = before?.stages.find((s) => s.label === stage.label);
    if (old?.state === stage.state) continue;
    if (old === undefined && stage.state === 'pending') continue;
    const took = stage.finishedAt !== undefined ? stageDurationMs(stage, new Date(stage.finishedAt)) : undefined;
    const detail = [took !== undefined ? `in ${formatDuration(took)}` : '', stage.reason ?? '', testCounts(stage)].filter(Boolean).join(', ');
    lines.push(`${paint('dim', elapsed)} ${who}  ${stage.label} ${paint(stageStyle(stage.state), `${stageSymbol(stage.state)} ${stage.state}`)}${detail ? ` (${detail})` : ''}`);
  }
  return lines;
}

/** `4 tests`, `1 of 4 tests failed: <first failure>`; empty without a report. */
export function testCounts(stage: StageRow): string {
  const t = stage.tests;
  if (t === undefined) return '';
  if (t.failed === 0) return `${t.total} tests passed`;
  const first = t.firstFailures[0];
  return `${t.failed} of ${t.total} tests failed${first ? `: ${first}` : ''}`;
}

/** `text` on one line, at most `max` characters (cut with "…"). */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  return max <= 0 ? '' : `${flat.slice(0, max - 1)}…`;
}
