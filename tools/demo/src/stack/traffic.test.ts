import { describe, expect, it } from 'vitest';
import { checkTraffic, expectedTrafficSequence } from '../expectations.js';
import { VERSIONS } from '../sample-app/versions.js';
import { versionSequence } from './traffic.js';

describe('what a steady client sees', () => {
  it('is the order in which versions answered, runs collapsed, in send order', () => {
    const at = (t: number, version?: string, error?: string) => ({ at: t, ...(version && { version }), ...(error && { error }) });
    expect(versionSequence([at(3, 'v2'), at(1, 'v1'), at(2, 'v1'), at(4, undefined, 'refused'), at(5, 'v2'), at(6, 'v4'), at(7, 'v2')])).toEqual(['v1', 'v2', 'v4', 'v2']);
  });

  it('should be v1 → v2 → v4 → v2 for the story: v3 never answers, v4 only during its bake', () => {
    expect(expectedTrafficSequence(VERSIONS)).toEqual(['v1', 'v2', 'v4', 'v2']);
  });

  it('reports a failed request and another order, and accepts the story', () => {
    const ok = { sent: 400, failed: 0, sequence: ['v1', 'v2', 'v4', 'v2'], failures: [] };
    expect(checkTraffic(ok, ['v1', 'v2', 'v4', 'v2'])).toEqual([]);
    expect(checkTraffic({ ...ok, failed: 1, failures: [{ error: 'ECONNREFUSED' }] }, ['v1', 'v2', 'v4', 'v2'])).toEqual([expect.stringContaining('1 of 400 requests through the Service failed (first: ECONNREFUSED)')]);
    expect(checkTraffic({ ...ok, sequence: ['v1', 'v2', 'v4'] }, ['v1', 'v2', 'v4', 'v2'])).toEqual(['the Service answered v1 → v2 → v4, not v1 → v2 → v4 → v2']);
    // A failure says where in the story it fell, to compare with the switches.
    const samples = [{ at: 1000, version: 'v4' }, { at: 1050, error: 'ECONNREFUSED' }, { at: 1100, version: 'v2' }];
    expect(checkTraffic({ ...ok, failed: 1, failures: [{ at: 1050, error: 'ECONNREFUSED' }], samples }, ['v1', 'v2', 'v4', 'v2'])).toEqual([
      expect.stringContaining('(first: ECONNREFUSED, sent at 1970-01-01T00:00:01.050Z between answers of v4 and v2)'),
    ]);
  });
});
