import { describe, expect, it } from 'vitest';
import { decideLeader, mayWrite, microTime, timingProblems, type LeaseSpec } from './decide.js';

const timing = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const T = Date.parse('2026-12-07T12:00:00Z');
const held = (holder: string, renewedAt: number, seconds = 15): LeaseSpec => ({ holderIdentity: holder, leaseDurationSeconds: seconds, renewTime: microTime(renewedAt) });
const standby = { renewedAtMs: undefined };

describe('decideLeader', () => {
  it('creates the Lease when none exists', () => {
    expect(decideLeader(undefined, 'a', T, standby, timing)).toEqual({ kind: 'create' });
  });

  it('waits while another holder renewed within the lease duration, and says until when', () => {
    expect(decideLeader(held('b', T - 14_000), 'a', T, standby, timing)).toEqual({ kind: 'wait', holder: 'b', expiresAtMs: T + 1_000 });
    // Exactly at renewTime + duration the Lease is not yet expired.
    expect(decideLeader(held('b', T - 15_000), 'a', T, standby, timing).kind).toBe('wait');
  });

  it('acquires a Lease that expired (renewTime + leaseDurationSeconds < now) or was released', () => {
    expect(decideLeader(held('b', T - 15_001), 'a', T, standby, timing)).toEqual({ kind: 'acquire', previousHolder: 'b' });
    expect(decideLeader({ holderIdentity: null, leaseDurationSeconds: 1, renewTime: microTime(T) }, 'a', T, standby, timing)).toEqual({ kind: 'acquire', previousHolder: '' });
    expect(decideLeader({ holderIdentity: 'b' }, 'a', T, standby, timing).kind).toBe('acquire');
  });

  it('uses the duration written on the Lease, not its own', () => {
    expect(decideLeader(held('b', T - 20_000, 30), 'a', T, standby, timing).kind).toBe('wait');
  });

  it('renews its own Lease while within the renew deadline', () => {
    expect(decideLeader(held('a', T - 2_000), 'a', T, { renewedAtMs: T - 2_000 }, timing)).toEqual({ kind: 'renew' });
    // A restarted replica with the same identity (pod name) resumes its own Lease.
    expect(decideLeader(held('a', T - 2_000), 'a', T, standby, timing)).toEqual({ kind: 'renew' });
  });

  it('steps down when its renewals failed for the renew deadline, even though the Lease still names it', () => {
    expect(decideLeader(held('a', T - 10_000), 'a', T, { renewedAtMs: T - 10_000 }, timing)).toEqual({ kind: 'step-down', reason: 'renew-deadline' });
  });

  it('steps down when the Lease names someone else or is gone', () => {
    expect(decideLeader(held('b', T - 1_000), 'a', T, { renewedAtMs: T - 2_000 }, timing)).toEqual({ kind: 'step-down', reason: 'lost' });
    expect(decideLeader(undefined, 'a', T, { renewedAtMs: T - 2_000 }, timing)).toEqual({ kind: 'step-down', reason: 'lost' });
  });
});

describe('mayWrite (the fence)', () => {
  it('closes at the renew deadline, leaving a margin of leaseDuration − renewDeadline before a standby may take the Lease', () => {
    const renewedAtMs = T;
    expect(mayWrite({ renewedAtMs }, T + 9_999, timing)).toBe(true);
    expect(mayWrite({ renewedAtMs }, T + 10_000, timing)).toBe(false);
    // A standby's earliest takeover is after renewTime + leaseDuration.
    expect(decideLeader(held('a', renewedAtMs), 'b', T + 10_000, standby, timing).kind).toBe('wait');
    expect(mayWrite(standby, T, timing)).toBe(false);
  });
});

describe('timingProblems', () => {
  it('accepts the defaults and refuses a renew deadline not below the lease duration, or a retry period not below the deadline', () => {
    expect(timingProblems(timing)).toEqual([]);
    expect(timingProblems({ ...timing, renewDeadlineMs: 15_000 })).toHaveLength(1);
    expect(timingProblems({ ...timing, retryPeriodMs: 10_000 })[0]).toMatch(/retry period/);
  });
});

describe('microTime', () => {
  it('writes RFC 3339 with microseconds, as the Lease API expects', () => {
    expect(microTime(Date.parse('2026-12-07T12:00:00.123Z'))).toBe('2026-12-07T12:00:00.123000Z');
  });
});
