import { describe, expect, it } from 'vitest';
import { classifyFailure } from './outcome.js';
import { parseRetryAfter } from './retry-after.js';
import { truncateText } from './text.js';

const NOW = new Date('2026-03-09T10:00:00Z');

describe('classifyFailure', () => {
  it('maps 409 to locked, keeping Retry-After', () => {
    expect(classifyFailure({ httpStatus: 409, message: 'Another update', retryAfter: '1' }, NOW)).toEqual({
      kind: 'locked',
      httpStatus: 409,
      message: 'Another update',
      retryAfterMs: 1000,
    });
  });

  it.each([408, 429, 500, 502, 503, null])('maps %s to retryable', (httpStatus) => {
    expect(classifyFailure({ httpStatus, message: 'x', retryAfter: null }, NOW)).toMatchObject({ kind: 'retryable', httpStatus });
  });

  it.each([400, 401, 403, 404, 422])('maps %s to rejected with the message', (httpStatus) => {
    expect(classifyFailure({ httpStatus, message: '404 Commit Not Found', retryAfter: null }, NOW)).toEqual({
      kind: 'rejected',
      httpStatus,
      message: '404 Commit Not Found',
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates as milliseconds from now', () => {
    expect(parseRetryAfter('30', NOW)).toBe(30_000);
    expect(parseRetryAfter('Mon, 09 Mar 2026 10:00:05 GMT', NOW)).toBe(5_000);
    expect(parseRetryAfter('Mon, 09 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
  });

  it('returns null when absent or unparseable', () => {
    for (const v of [undefined, null, '', 'soon', '-5', '1.5']) expect(parseRetryAfter(v, NOW)).toBeNull();
  });
});

describe('truncateText', () => {
  it('leaves text within the limit alone and cuts longer text to exactly the limit with an ellipsis', () => {
    expect(truncateText('short')).toBe('short');
    const cut = truncateText('x'.repeat(300));
    expect(Array.from(cut)).toHaveLength(255);
    expect(cut.endsWith('…')).toBe(true);
    expect(truncateText('x'.repeat(255))).toBe('x'.repeat(255));
  });

  it('counts and cuts by code point, never splitting an emoji', () => {
    const cut = truncateText('🚀'.repeat(300));
    expect(Array.from(cut)).toHaveLength(255);
    expect(cut).toBe(`${'🚀'.repeat(254)}…`);
  });
});
