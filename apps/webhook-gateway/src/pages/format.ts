/**
 * Small pure formatters shared by the run-page models: times in UTC,
 * durations, links that are safe to put in an `href`.
 */

/** `2026-04-02 08:00:03 UTC` for an ISO timestamp; the input unchanged when it is not one. */
export function formatUtc(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `0s`, `42s`, `2m 05s`, `1h 02m`, `3d 04h`: how long something took, to the second. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

/** Milliseconds from `from` to `to` (ISO timestamps), or `undefined` when either is missing or unreadable. */
export function between(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const a = Date.parse(from);
  const b = Date.parse(to);
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : b - a;
}

/**
 * `value` as an absolute http(s) URL without credentials, or `undefined`.
 * Everything a run page links to passes through here, so a `javascript:`
 * (or any other) URL from a webhook never reaches an `href`.
 */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return url.href;
}

/** A base URL (project page, Grafana) to append paths to: safe http(s), no query or fragment, no trailing slash. */
export function safeBaseUrl(value: string | undefined): string | undefined {
  const href = safeHttpUrl(value);
  if (href === undefined) return undefined;
  const url = new URL(href);
  return url.search === '' && url.hash === '' ? href.replace(/\/+$/, '') : undefined;
}
