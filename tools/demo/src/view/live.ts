import type { DeliveryRow } from './model.js';
import { visibleLength } from './format.js';
import { changeLines, renderTable } from './table.js';

/** `tty`: a table redrawn in place; `lines`: one line per change (CI, pipes); `quiet`: nothing. */
export type OutputMode = 'tty' | 'lines' | 'quiet';

/** Where the demo tells what happens. */
export interface LiveView {
  /** A line of narration (what was pushed, links). */
  log(line: string): void;
  /** The deliveries now. */
  update(rows: readonly DeliveryRow[]): void;
  /** Stops redrawing; the last table stays on screen. */
  stop(): void;
}

/** Options of {@link createLiveView}. */
export interface LiveViewOptions {
  readonly mode: OutputMode;
  readonly write: (text: string) => void;
  readonly startedAt: number;
  readonly color: boolean;
  /** The terminal's width now (it may be resized). Default 120. */
  readonly columns?: () => number | undefined;
}

/** `+ 12.3s`: time since the demo started. */
export function elapsedLabel(startedAt: number, now = Date.now()): string {
  return `+${((now - startedAt) / 1000).toFixed(1).padStart(5)}s`;
}

/** The live view for `mode`. */
export function createLiveView(options: LiveViewOptions): LiveView {
  if (options.mode === 'quiet') return { log: () => undefined, update: () => undefined, stop: () => undefined };
  return options.mode === 'tty' ? ttyView(options) : linesView(options);
}

function linesView({ write, startedAt, color }: LiveViewOptions): LiveView {
  const seen = new Map<string, DeliveryRow>();
  return {
    log: (line) => write(`${line}\n`),
    update(rows) {
      for (const row of rows) {
        for (const line of changeLines(seen.get(row.name), row, elapsedLabel(startedAt), color)) write(`${line}\n`);
        seen.set(row.name, row);
      }
    },
    stop: () => undefined,
  };
}

function ttyView({ write, color, columns }: LiveViewOptions): LiveView {
  let rows: readonly DeliveryRow[] = [];
  let drawn = 0;
  const erase = () => {
    // Up to the first line of the table, then clear to the end of the screen.
    if (drawn > 0) write(`\x1b[${drawn}F\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    if (rows.length === 0) return;
    const width = columns?.() ?? 120;
    const lines = renderTable(rows, { now: new Date(), color, width });
    write(`${lines.join('\n')}\n`);
    // A line wider than the terminal wraps onto more rows; count rows, not lines, or the redraw creeps up the screen.
    drawn = lines.reduce((n, line) => n + Math.max(1, Math.ceil(visibleLength(line) / width)), 0);
  };
  // Running stages count up even when nothing changes.
  const ticker = setInterval(() => {
    erase();
    draw();
  }, 500);
  ticker.unref();
  return {
    log(line) {
      erase();
      write(`${line}\n`);
      draw();
    },
    update(next) {
      rows = next;
      erase();
      draw();
    },
    stop() {
      clearInterval(ticker);
      erase();
      draw();
      drawn = 0;
    },
  };
}
