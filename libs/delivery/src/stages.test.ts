import { describe, expect, it } from 'vitest';
import { MAX_LOG_TAIL_LENGTH } from './delivery.js';
import type { DeliveryStatus } from './delivery.js';
import { clipLogTail, closeOpenStages, findStage, finishStage, startStage } from './stages.js';
import { advancePhase, initialStatus } from './status.js';

const T0 = new Date('2025-01-31T12:00:00.000Z');
const T1 = new Date('2025-01-31T12:01:00.000Z');

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function unwrap(result: { ok: true; status: DeliveryStatus } | { ok: false; error: { message: string } }): DeliveryStatus {
  if (!result.ok) throw new Error(result.error.message);
  return result.status;
}

describe('initialStatus', () => {
  it('plans test, build and one deploy per environment, in order', () => {
    const status = initialStatus({ environments: ['staging', 'production'] });
    expect(status.phase).toBe('Pending');
    expect(status.stages).toEqual([
      { name: 'test', state: 'pending' },
      { name: 'build', state: 'pending' },
      { name: 'deploy', environment: 'staging', state: 'pending' },
      { name: 'deploy', environment: 'production', state: 'pending' },
    ]);
  });

  it('plans only the test for a delivery with nowhere to deploy', () => {
    expect(initialStatus({ environments: [] }).stages).toEqual([{ name: 'test', state: 'pending' }]);
  });
});

describe('stage helpers', () => {
  const base = deepFreeze(initialStatus({ environments: ['production'] }));

  it('start and finish a stage without touching the input', () => {
    const running = unwrap(startStage(base, { name: 'test' }, { now: T0, jobName: 'main-3f2a9c1-0b7e41d2-test' }));
    const done = unwrap(
      finishStage(running, { name: 'test' }, { state: 'failed', reason: 'TestsFailed', exitCode: 1, message: '2 tests failed' }, T1),
    );
    expect(findStage(done, { name: 'test' })).toEqual({
      name: 'test',
      state: 'failed',
      startedAt: T0.toISOString(),
      finishedAt: T1.toISOString(),
      jobName: 'main-3f2a9c1-0b7e41d2-test',
      reason: 'TestsFailed',
      exitCode: 1,
      message: '2 tests failed',
    });
    expect(findStage(base, { name: 'test' })).toEqual({ name: 'test', state: 'pending' });
  });

  it('is idempotent for repeated reconciles', () => {
    const running = unwrap(startStage(base, { name: 'test' }, { now: T0 }));
    expect(unwrap(startStage(running, { name: 'test' }, { now: T1 }))).toBe(running);
    const done = unwrap(finishStage(running, { name: 'test' }, { state: 'succeeded' }, T1));
    expect(unwrap(finishStage(done, { name: 'test' }, { state: 'succeeded' }, T1))).toBe(done);
  });

  it('refuses to restart or re-finish a finished stage differently', () => {
    const done = unwrap(finishStage(base, { name: 'test' }, { state: 'succeeded' }, T1));
    expect(startStage(done, { name: 'test' }, { now: T1 })).toEqual({
      ok: false,
      error: { code: 'already_finished', stage: { name: 'test' }, message: 'stage test already ended as succeeded' },
    });
    const refused = finishStage(done, { name: 'test' }, { state: 'failed', reason: 'TestsFailed' }, T1);
    expect(refused.ok).toBe(false);
  });

  it('keeps deploy stages of different environments apart', () => {
    const status = deepFreeze(initialStatus({ environments: ['staging', 'production'] }));
    const next = unwrap(startStage(status, { name: 'deploy', environment: 'staging' }, { now: T0 }));
    expect(findStage(next, { name: 'deploy', environment: 'staging' })?.state).toBe('running');
    expect(findStage(next, { name: 'deploy', environment: 'production' })?.state).toBe('pending');
  });

  it('clips what the status cannot hold', () => {
    const log = `${'x'.repeat(MAX_LOG_TAIL_LENGTH)}THE END`;
    const done = unwrap(
      finishStage(
        base,
        { name: 'test' },
        {
          state: 'failed',
          reason: 'TestsFailed',
          logTail: log,
          testSummary: { total: 20, passed: 5, failed: 15, skipped: 0, firstFailures: Array.from({ length: 15 }, (_, i) => `test ${i}`) },
        },
        T1,
      ),
    );
    const stage = findStage(done, { name: 'test' });
    expect(stage?.logTail).toHaveLength(MAX_LOG_TAIL_LENGTH);
    expect(stage?.logTail?.startsWith('…')).toBe(true);
    expect(stage?.logTail?.endsWith('THE END')).toBe(true);
    expect(stage?.testSummary?.firstFailures).toHaveLength(10);
    expect(clipLogTail('short')).toBe('short');
  });

  it('closes every open stage when the delivery ends early', () => {
    const running = unwrap(startStage(base, { name: 'test' }, { now: T0 }));
    const closed = closeOpenStages(running, { state: 'canceled', reason: 'Superseded', now: T1 });
    expect(closed.stages.map((stage) => [stage.name, stage.state, stage.reason])).toEqual([
      ['test', 'canceled', 'Superseded'],
      ['build', 'canceled', 'Superseded'],
      ['deploy', 'canceled', 'Superseded'],
    ]);
  });
});

describe('advancePhase', () => {
  it('records why a delivery ended', () => {
    const status = deepFreeze(initialStatus({ environments: [] }));
    const result = advancePhase(status, 'Superseded', { reason: 'Superseded', supersededBy: 'main-abcdef0-12345678' });
    expect(result).toMatchObject({ ok: true, status: { phase: 'Superseded', reason: 'Superseded', supersededBy: 'main-abcdef0-12345678' } });
    expect(status.phase).toBe('Pending');
  });

  it('refuses what the state machine refuses', () => {
    const status = initialStatus({ environments: [] });
    expect(advancePhase(status, 'Live')).toMatchObject({ ok: false, error: { code: 'not_allowed' } });
  });
});
