import { describe, expect, it } from 'vitest';
import { formatDuration, formatUtc, safeBaseUrl, safeHttpUrl } from './format.js';

describe('run page formatting', () => {
  it('shows times in UTC to the second, whatever offset they were written with', () => {
    expect(formatUtc('2026-04-02T08:00:03.456Z')).toBe('2026-04-02 08:00:03 UTC');
    expect(formatUtc('2026-04-02T10:00:03+02:00')).toBe('2026-04-02 08:00:03 UTC');
    expect(formatUtc('soon')).toBe('soon');
  });

  it.each([
    [0, '0s'],
    [999, '0s'],
    [42_000, '42s'],
    [125_000, '2m 05s'],
    [3_720_000, '1h 02m'],
    [47 * 3_600_000, '47h 00m'],
    [(3 * 24 + 4) * 3_600_000 + 59_000, '3d 04h'],
    [-5_000, '0s'],
  ])('shows %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('lets only http(s) URLs without credentials become links', () => {
    expect(safeHttpUrl('https://gitlab.example.test/a/b')).toBe('https://gitlab.example.test/a/b');
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,<script>alert(1)</script>')).toBeUndefined();
    expect(safeHttpUrl('https://user:pw@gitlab.example.test/')).toBeUndefined();
    expect(safeHttpUrl('/relative')).toBeUndefined();
    expect(safeBaseUrl('https://grafana.example.test/')).toBe('https://grafana.example.test');
    expect(safeBaseUrl('https://grafana.example.test/?orgId=2')).toBeUndefined();
  });
});
