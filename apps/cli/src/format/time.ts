/** Parses an ISO time; `undefined` for missing or unparsable input. */
function ms(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : t;
}

/** A span like `kubectl` prints ages: `45s`, `12m`, `5h`, `3d` (the largest unit only). */
export function age(since: string | undefined, now: Date): string {
  const t = ms(since);
  if (t === undefined) return '?';
  const s = Math.max(0, Math.floor((now.getTime() - t) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** A duration for people: `850ms`, `12s`, `1m05s`, `2h03m`. */
export function formatDuration(milliseconds: number): string {
  const total = Math.max(0, milliseconds);
  if (total < 1000) return `${Math.round(total)}ms`;
  const s = Math.floor(total / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** From `start` to `end` (or to `now` while still running); `undefined` before it started. */
export function elapsed(start: string | undefined, end: string | undefined, now: Date): number | undefined {
  const from = ms(start);
  if (from === undefined) return undefined;
  return (ms(end) ?? now.getTime()) - from;
}

/** An ISO time without milliseconds: `2025-01-31T12:00:05Z`. */
export function timestamp(iso: string | undefined): string {
  const t = ms(iso);
  return t === undefined ? '' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
