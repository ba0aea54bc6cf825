/**
 * Container log files in the CRI format the kubelet reads
 * (`<RFC3339Nano> <stdout|stderr> <P|F> <content>` per line), and the pure
 * functions that turn them into what `pods/log` returns.
 */
import { EventEmitter } from 'node:events';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export type LogStream = 'stdout' | 'stderr';

export interface LogRecord {
  readonly time: string;
  readonly stream: LogStream;
  /** `P`: a line split because it was too long; the next record continues it. */
  readonly partial: boolean;
  readonly content: string;
}

/** The `pods/log` options the kubelet honours. */
export interface LogQuery {
  readonly tailLines?: number;
  readonly limitBytes?: number;
  readonly timestamps?: boolean;
  /** Only records at or after this time (ms since epoch); from sinceSeconds/sinceTime. */
  readonly sinceMs?: number;
}

const MAX_LINE = 16 * 1024;

/** Current time as RFC 3339 with nanoseconds (microsecond resolution). */
export function nanoTimestamp(nowMs: number = performance.timeOrigin + performance.now()): string {
  const whole = Math.floor(nowMs);
  const iso = new Date(whole).toISOString();
  const micros = Math.floor((nowMs - whole) * 1000);
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}${String(micros).padStart(3, '0')}000Z`;
}

export function formatRecord(r: LogRecord): string {
  return `${r.time} ${r.stream} ${r.partial ? 'P' : 'F'} ${r.content}\n`;
}

export function parseRecords(text: string): LogRecord[] {
  const out: LogRecord[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+) (stdout|stderr) ([PF]) ?(.*)$/.exec(line);
    if (m) out.push({ time: m[1]!, stream: m[2] as LogStream, partial: m[3] === 'P', content: m[4]! });
  }
  return out;
}

/** One record as `pods/log` shows it. */
export function renderRecord(r: LogRecord, timestamps = false): string {
  return `${timestamps ? `${r.time} ` : ''}${r.content}${r.partial ? '' : '\n'}`;
}

/** Applies sinceMs and tailLines (counted in whole lines) to records. */
export function selectRecords(records: readonly LogRecord[], query: LogQuery): LogRecord[] {
  let selected = query.sinceMs === undefined ? [...records] : records.filter((r) => Date.parse(r.time) >= query.sinceMs!);
  if (query.tailLines !== undefined && query.tailLines >= 0) {
    let lines = 0;
    let start = selected.length;
    while (start > 0) {
      const r = selected[start - 1]!;
      if (!r.partial) {
        if (lines === query.tailLines) break;
        lines++;
      }
      start--;
    }
    selected = selected.slice(start);
  }
  return selected;
}

/** Renders records and cuts at `limitBytes`. */
export function renderLog(records: readonly LogRecord[], query: LogQuery): Buffer {
  const text = Buffer.from(selectRecords(records, query).map((r) => renderRecord(r, query.timestamps)).join(''));
  return query.limitBytes !== undefined && query.limitBytes >= 0 ? text.subarray(0, query.limitBytes) : text;
}

/** The kubelet's FallbackToLogsOnError message: the last 80 lines, at most 2048 bytes. */
export function logTailMessage(records: readonly LogRecord[], maxLines = 80, maxBytes = 2048): string {
  const text = Buffer.from(selectRecords(records, { tailLines: maxLines }).map((r) => renderRecord(r)).join(''));
  return text.subarray(Math.max(0, text.length - maxBytes)).toString('utf8');
}

/**
 * Writes one container instance's stdout and stderr to a CRI log file, line
 * by line (synchronous appends, so a reader that subscribes and then reads
 * the file in the same tick misses nothing). Emits `record` for each record
 * written and `end` when closed.
 */
export class ContainerLog extends EventEmitter<{ record: [LogRecord]; end: [] }> {
  private fd: number | undefined;
  private readonly pending: Record<LogStream, string> = { stdout: '', stderr: '' };
  private readonly decoders: Record<LogStream, StringDecoder> = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };

  constructor(readonly path: string) {
    super();
    this.fd = openSync(path, 'a', 0o640);
  }

  get closed(): boolean {
    return this.fd === undefined;
  }

  write(stream: LogStream, chunk: Buffer | string): void {
    if (this.fd === undefined) return;
    let text = this.pending[stream] + (typeof chunk === 'string' ? chunk : this.decoders[stream].write(chunk));
    let nl: number;
    while ((nl = text.indexOf('\n')) !== -1) {
      let line = text.slice(0, nl);
      for (; line.length > MAX_LINE; line = line.slice(MAX_LINE)) this.emitRecord(stream, line.slice(0, MAX_LINE), true);
      this.emitRecord(stream, line, false);
      text = text.slice(nl + 1);
    }
    for (; text.length > MAX_LINE; text = text.slice(MAX_LINE)) this.emitRecord(stream, text.slice(0, MAX_LINE), true);
    this.pending[stream] = text;
  }

  /** Flushes unterminated lines, closes the file and ends followers. */
  close(): void {
    if (this.fd === undefined) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.pending[stream] + this.decoders[stream].end();
      if (rest) this.emitRecord(stream, rest, false);
      this.pending[stream] = '';
    }
    closeSync(this.fd);
    this.fd = undefined;
    this.emit('end');
  }

  private emitRecord(stream: LogStream, content: string, partial: boolean): void {
    const record: LogRecord = { time: nanoTimestamp(), stream, partial, content: content.replace(/\r$/, '') };
    writeSync(this.fd!, formatRecord(record));
    this.emit('record', record);
  }
}

/** Reads a log file's records (empty when it does not exist). */
export function readRecords(path: string): LogRecord[] {
  try {
    return parseRecords(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}
