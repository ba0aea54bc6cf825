/**
 * Parses a `Retry-After` header into milliseconds from `now`: delay-seconds
 * (`120`) or an HTTP-date. Returns `null` when absent or unparseable; a date
 * in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // HTTP-dates always end in GMT; this keeps V8's lenient Date.parse from reading "-5" or "1.5" as dates.
  if (!/^[A-Za-z]{3},? .* GMT$/.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
