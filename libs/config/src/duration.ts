/** Units a duration can be written in, with their length in milliseconds. */
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** The unit a duration field returns, and assumes for bare numbers. */
export type DurationUnit = 'ms' | 's';

/**
 * `"30s"`, `"500ms"`, `"5m"`, `"1h"` or a bare number (in `unit`) as a number
 * of `unit`s; `undefined` when the text is not a duration.
 */
export function parseDuration(text: string, unit: DurationUnit): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$/.exec(text);
  if (match === null) return undefined;
  const written = (match[2] ?? unit) as keyof typeof UNIT_MS;
  return (Number(match[1]) * UNIT_MS[written]) / UNIT_MS[unit];
}
