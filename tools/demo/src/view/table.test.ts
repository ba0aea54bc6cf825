import { describe, expect, it } from 'vitest';
import { visibleLength } from './format.js';
import { rowOf, type DeliveryRow } from './model.js';
import { changeLines, renderTable } from './table.js';

const t = (s: number) => new Date(Date.UTC(2026, 3, 2, 9, 0, s)).toISOString();
const now = new Date(Date.UTC(2026, 3, 2, 9, 0, 30));

const live: DeliveryRow = rowOf(
  {
    metadata: { name: 'main-1111111-aaaaaaaa' },
    spec: { checkoutSha: '1'.repeat(40) },
    status: {
      phase: 'Live',
      stages: [
        { name: 'test', state: 'succeeded', startedAt: t(0), finishedAt: t(3), testSummary: { total: 3, failed: 0 } },
        { name: 'build', state: 'succeeded', startedAt: t(3), finishedAt: t(5) },
        { name: 'deploy', environment: 'production', state: 'succeeded', startedAt: t(5), finishedAt: t(25) },
      ],
    },
  },
  'v1',
);
const failed: DeliveryRow = rowOf(
  {
    metadata: { name: 'main-3333333-cccccccc' },
    spec: { checkoutSha: '3'.repeat(40) },
    status: {
      phase: 'Failed',
      reason: 'TestsFailed',
      stages: [
        { name: 'test', state: 'failed', startedAt: t(0), finishedAt: t(2), reason: 'TestsFailed', testSummary: { total: 4, failed: 1, firstFailures: ['test.GET / names the version'] } },
        { name: 'build', state: 'skipped', finishedAt: t(2) },
        { name: 'deploy', environment: 'production', state: 'skipped', finishedAt: t(2) },
      ],
    },
  },
  'v3',
);
const deploying: DeliveryRow = rowOf(
  {
    metadata: { name: 'main-2222222-bbbbbbbb' },
    spec: { checkoutSha: '2'.repeat(40) },
    status: {
      phase: 'Verifying',
      stages: [
        { name: 'test', state: 'succeeded', startedAt: t(0), finishedAt: t(2) },
        { name: 'build', state: 'succeeded', startedAt: t(2), finishedAt: t(4) },
        { name: 'deploy', environment: 'production', state: 'running', startedAt: t(20) },
      ],
    },
  },
  'v2',
);

describe('the live table', () => {
  it('shows one line per delivery: version, name, phase and each stage with its duration', () => {
    const [header, line] = renderTable([live], { now });
    expect(header).toMatch(/^ver\s+delivery\s+phase\s+test\s+build\s+deploy:production\s+note$/);
    expect(line).toMatch(/^v1\s+main-1111111-aaaaaaaa\s+✓ Live\s+✓ 3\.0s\s+✓ 2\.0s\s+✓ 20\.0s$/);
  });

  it('counts a running stage up to now', () => {
    expect(renderTable([deploying], { now })[1]).toContain('… 10.0s');
    expect(renderTable([deploying], { now: new Date(now.getTime() + 5_000) })[1]).toContain('… 15.0s');
  });

  it('names the failing test of a delivery whose tests failed, and marks the skipped stages', () => {
    const line = renderTable([failed], { now, width: 200 })[1];
    expect(line).toMatch(/✗ Failed\s+✗ 2\.0s\s+– skipped\s+– skipped\s+1 of 4 tests failed: test\.GET \/ names the version$/);
  });

  it('cuts the note so no line is wider than the terminal', () => {
    for (const line of renderTable([live, failed, deploying], { now, width: 80 })) expect(visibleLength(line)).toBeLessThanOrEqual(80);
  });

  it('has the same layout with colours, only with ANSI codes added', () => {
    const plain = renderTable([failed], { now });
    const colored = renderTable([failed], { now, color: true });
    expect(colored[1]).toContain('\u001b[');
    const ESC = String.fromCharCode(27);
    expect(colored.map((l) => l.split(ESC).map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, ''))).join(''))).toEqual(plain);
  });
});

describe('change lines (no terminal)', () => {
  it('says what moved: the phase and each stage that changed state, with how long it took', () => {
    const before = rowOf({ metadata: { name: 'main-1111111-aaaaaaaa' }, spec: { checkoutSha: '1'.repeat(40) }, status: { phase: 'Building', stages: [{ name: 'test', state: 'succeeded', startedAt: t(0), finishedAt: t(3) }, { name: 'build', state: 'running', startedAt: t(3) }, { name: 'deploy', environment: 'production', state: 'pending' }] } }, 'v1');
    const lines = changeLines(before, live, '+ 12.0s');
    expect(lines).toEqual([
      '+ 12.0s v1 main-1111111-aaaaaaaa  phase ✓ Live',
      '+ 12.0s v1 main-1111111-aaaaaaaa  build ✓ succeeded (in 2.0s)',
      '+ 12.0s v1 main-1111111-aaaaaaaa  deploy:production ✓ succeeded (in 20.0s)',
    ]);
  });

  it('prints nothing when nothing it shows changed', () => {
    expect(changeLines(live, live, '+1s')).toEqual([]);
  });

  it('gives the reason and the failing test when a delivery fails', () => {
    const lines = changeLines(undefined, failed, '+1s');
    expect(lines[0]).toBe('+1s v3 main-3333333-cccccccc  phase ✗ Failed (TestsFailed)');
    expect(lines[1]).toBe('+1s v3 main-3333333-cccccccc  test ✗ failed (in 2.0s, TestsFailed, 1 of 4 tests failed: test.GET / names the version)');
  });

  it('does not announce stages that are merely planned', () => {
    const fresh = rowOf({ metadata: { name: 'n' }, spec: { checkoutSha: '4'.repeat(40) }, status: { phase: 'Pending', stages: [{ name: 'test', state: 'pending' }] } }, 'v4');
    expect(changeLines(undefined, fresh, '+1s')).toEqual(['+1s v4 n  phase … Pending']);
  });
});
