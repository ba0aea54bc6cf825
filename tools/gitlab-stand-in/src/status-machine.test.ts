import { describe, expect, it } from 'vitest';
import { REQUESTABLE_STATES, transition } from './status-machine.js';

describe('commit status transitions', () => {
  it('lets a new status (created) take any requested state first', () => {
    expect(transition('created', 'pending')).toEqual({ ok: true, state: 'pending' });
    expect(transition('created', 'running')).toEqual({ ok: true, state: 'running' });
    for (const state of ['success', 'failed', 'canceled', 'skipped'] as const) {
      expect(transition('created', state)).toEqual({ ok: true, state });
    }
  });

  it('follows pending → running → success/failed/canceled', () => {
    expect(transition('pending', 'running')).toEqual({ ok: true, state: 'running' });
    expect(transition('running', 'success')).toEqual({ ok: true, state: 'success' });
    expect(transition('running', 'failed')).toEqual({ ok: true, state: 'failed' });
    expect(transition('running', 'canceled')).toEqual({ ok: true, state: 'canceled' });
    expect(transition('pending', 'skipped')).toEqual({ ok: true, state: 'skipped' });
  });

  it('refuses running again with the :run message GitLab sends', () => {
    expect(transition('running', 'running')).toEqual({
      ok: false,
      message: 'Cannot transition status via :run from :running (Reason(s): Status cannot transition via "run")',
    });
  });

  it('refuses pending again, and pending after running, with the :enqueue message', () => {
    expect(transition('pending', 'pending')).toEqual({
      ok: false,
      message: 'Cannot transition status via :enqueue from :pending (Reason(s): Status cannot transition via "enqueue")',
    });
    expect(transition('running', 'pending')).toMatchObject({ ok: false, message: expect.stringMatching(/^Cannot transition status via :enqueue from :running /) });
  });

  it('refuses skipping a running status and any move out of a final state', () => {
    expect(transition('running', 'skipped')).toMatchObject({ ok: false, message: expect.stringContaining(':skip from :running') });
    for (const requested of REQUESTABLE_STATES) {
      expect(transition('success', requested).ok).toBe(false);
    }
  });
});
