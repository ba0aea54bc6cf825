import { describe, expect, it } from 'vitest';
import { parseLogQuery } from './log-server.js';

describe('parseLogQuery', () => {
  it('reads the kubelet log options', () => {
    const q = parseLogQuery(new URLSearchParams('tailLines=5&limitBytes=100&follow=true&previous=1&timestamps=true'));
    expect(q).toEqual({ tailLines: 5, limitBytes: 100, follow: true, previous: true, timestamps: true, sinceMs: undefined });
  });
  it('turns sinceSeconds and sinceTime into a start time', () => {
    expect(parseLogQuery(new URLSearchParams('sinceSeconds=10'), 100_000).sinceMs).toBe(90_000);
    expect(parseLogQuery(new URLSearchParams('sinceTime=2026-11-26T12:00:00Z')).sinceMs).toBe(Date.parse('2026-11-26T12:00:00Z'));
    expect(parseLogQuery(new URLSearchParams('')).follow).toBe(false);
  });
});
