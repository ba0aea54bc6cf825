import { describe, expect, it } from 'vitest';
import type { DemoResult } from '../result.js';
import { renderSummary } from './summary.js';

const sha = (n: number) => String(n).repeat(40);
const stage = (label: string, state: 'succeeded' | 'failed' | 'skipped', seconds: number) => ({
  label,
  state,
  startedAt: '2026-04-02T09:00:00.000Z',
  finishedAt: new Date(Date.parse('2026-04-02T09:00:00.000Z') + seconds * 1000).toISOString(),
});

const result: DemoResult = {
  ok: true,
  problems: [],
  deliveries: [
    {
      version: 'v2',
      expect: 'live',
      sha: sha(2),
      title: 'v2: GET /version answers JSON',
      name: 'main-2222222-bbbbbbbb',
      url: 'http://127.0.0.1:8080/deliveries/main-2222222-bbbbbbbb',
      phase: 'Live',
      stages: [stage('test', 'succeeded', 3), stage('build', 'succeeded', 1.5), stage('deploy:production', 'succeeded', 20)],
      traceId: 'b'.repeat(32),
    },
    {
      version: 'v3',
      expect: 'tests-fail',
      sha: sha(3),
      title: 'v3: banner from a template',
      name: 'main-3333333-cccccccc',
      phase: 'Failed',
      reason: 'TestsFailed',
      stages: [{ ...stage('test', 'failed', 2), tests: { total: 4, failed: 1, firstFailures: ['test.GET / names the version'] } }, stage('build', 'skipped', 0)],
      traceId: 'c'.repeat(32),
    },
  ],
  statuses: { [sha(2)]: { 'sluice/test': 'success', 'sluice/deploy:production': 'success' }, [sha(3)]: { 'sluice/test': 'failed' } },
  live: { color: 'green', revision: sha(2), version: 'v2', answer: 'sample-app v2\n', pod: 'sample-app-green-x 127.9.0.3' },
  timings: { startupMs: 20_000, deliveriesMs: 70_000, totalMs: 95_000 },
  trace: { version: 'v3', traceId: 'c'.repeat(32), spans: [] },
  endpoints: {},
};

describe('the summary', () => {
  const text = renderSummary(result, { waterfall: 'WATERFALL' });

  it('lists each delivery with its outcome, stage durations and run page', () => {
    expect(text).toMatch(/v2\s+2222222\s+✓ Live\s+test ✓ 3\.0s\s+build ✓ 1\.5s\s+deploy:production ✓ 20\.0s/);
    expect(text).toContain('http://127.0.0.1:8080/deliveries/main-2222222-bbbbbbbb');
    expect(text).toMatch(/v3\s+3333333\s+✗ Failed \(TestsFailed\)/);
    expect(text).toContain('1 of 4 tests failed: test.GET / names the version');
  });

  it('shows the GitLab statuses per commit, what is live and what it answered', () => {
    expect(text).toMatch(/v2\s+2222222\s+sluice\/test success\s+sluice\/deploy:production success/);
    expect(text).toContain('v2 (2222222) on green — GET / answered "sample-app v2" (pod sample-app-green-x 127.9.0.3)');
  });

  it('shows the trace id with its waterfall, every trace id, and the time', () => {
    expect(text).toContain(`Trace of v3: ${'c'.repeat(32)}\nWATERFALL`);
    expect(text).toContain(`v2 ${'b'.repeat(32)}`);
    expect(text).toContain('Time 1m35s (start-up 20.0s, deliveries 1m10s)');
    expect(text).toContain('✓ Everything behaved as expected.');
    expect(text).not.toContain('over the');
  });

  it('lists every problem and flags a run over the time target', () => {
    const failed = renderSummary({ ...result, ok: false, problems: ['v4: ended Failed'], timings: { ...result.timings, totalMs: 200_000 } });
    expect(failed).toContain('✗ 1 thing(s) differed from the story:\n  - v4: ended Failed');
    expect(failed).toContain('over the 3m00s target');
  });
});
