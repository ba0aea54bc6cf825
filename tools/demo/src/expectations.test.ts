import { describe, expect, it } from 'vitest';
import { checkExpectations, expectedStatuses, type DeliveryFacts, type Observed } from './expectations.js';

const sha = (n: number) => String(n).repeat(40);
const deploy = (startedAt?: string) => ({ label: 'deploy:production', state: startedAt ? 'succeeded' : 'skipped', ...(startedAt && { startedAt }) });
const T = '2026-04-02T09:00:00Z';

/** The story as it should go: v1 live on blue, v2 on green, v3 fails its tests, v4 rolled back to v2 on green. */
function goodRun(): Observed {
  const deliveries: DeliveryFacts[] = [
    { version: 'v1', expect: 'live', sha: sha(1), name: 'd1', phase: 'Live', stages: [deploy(T)], traceId: 'a'.repeat(32), liveAfter: { color: 'blue', revision: sha(1) } },
    { version: 'v2', expect: 'live', sha: sha(2), name: 'd2', phase: 'Live', stages: [deploy(T)], traceId: 'b'.repeat(32), liveAfter: { color: 'green', revision: sha(2) } },
    { version: 'v3', expect: 'tests-fail', sha: sha(3), name: 'd3', phase: 'Failed', reason: 'TestsFailed', stages: [deploy()], traceId: 'c'.repeat(32), liveAfter: { color: 'green', revision: sha(2) } },
    { version: 'v4', expect: 'rolled-back', sha: sha(4), name: 'd4', phase: 'RolledBack', reason: 'PostPromotionUnhealthy', stages: [deploy(T)], traceId: 'd'.repeat(32), liveAfter: { color: 'green', revision: sha(2) } },
  ];
  return {
    environment: 'production',
    deliveries,
    statuses: Object.fromEntries(deliveries.map((d) => [d.sha, expectedStatuses(d.expect, 'production')])),
    commentedShas: [sha(4)],
    renderedRevisions: new Set([sha(1), sha(2), sha(4)]),
    final: { color: 'green', revision: sha(2), answer: 'sample-app v2\n' },
  };
}
const lastGood = { version: 'v2', sha: sha(2) };

describe('the demo’s expectations', () => {
  it('hold for the story as it should go', () => {
    expect(checkExpectations(goodRun(), lastGood)).toEqual([]);
  });

  it('expect GitLab to show test/build/deploy per outcome, skipped stages as canceled', () => {
    expect(expectedStatuses('tests-fail', 'production')).toEqual({ 'sluice/test': 'failed', 'sluice/build': 'canceled', 'sluice/deploy:production': 'canceled' });
    expect(expectedStatuses('rolled-back', 'production')['sluice/deploy:production']).toBe('failed');
  });

  it('notice a second version going live on the same color', () => {
    const run = goodRun();
    const deliveries = run.deliveries.map((d) => (d.version === 'v2' ? { ...d, liveAfter: { color: 'blue', revision: sha(2) } } : d));
    expect(checkExpectations({ ...run, deliveries }, lastGood)).toContain('v2 (2222222): went live on blue, the same color as the version before it');
  });

  it('notice a version with failing tests that was deployed anyway', () => {
    const run = goodRun();
    expect(checkExpectations({ ...run, renderedRevisions: new Set([...run.renderedRevisions, sha(3)]) }, lastGood)).toEqual([
      'v3 (3333333): failed its tests but was deployed',
    ]);
  });

  it('notice a rollback that did not return to the previous revision', () => {
    const run = goodRun();
    const deliveries = run.deliveries.map((d) => (d.version === 'v4' ? { ...d, liveAfter: { color: 'blue', revision: sha(4) } } : d));
    expect(checkExpectations({ ...run, deliveries }, lastGood)).toEqual(['v4 (4444444): expected 2222222 on green live again after the rollback, but the Service serves 4444444 on blue']);
  });

  it('notice a wrong outcome, a missing status, a missing trace id and a wrong answer from the live app', () => {
    const run = goodRun();
    const deliveries = run.deliveries.map((d) => (d.version === 'v4' ? { ...d, phase: 'Failed', reason: 'CrashLoop' } : d.version === 'v1' ? { ...d, traceId: undefined } : d)) as DeliveryFacts[];
    const statuses = { ...run.statuses, [sha(2)]: { 'sluice/test': 'success', 'sluice/build': 'success' } };
    const problems = checkExpectations({ ...run, deliveries, statuses, final: { ...run.final, answer: 'sample-app v4\n' } }, lastGood);
    expect(problems).toEqual([
      'v1 (1111111): the Delivery carries no trace id',
      'v2 (2222222): GitLab status sluice/deploy:production is missing, expected success',
      'v4 (4444444): ended Failed (CrashLoop), expected RolledBack (PostPromotionUnhealthy)',
      'the live app answered "sample-app v4", expected "sample-app v2"',
    ]);
  });

  it('notice a push the gateway did not turn into a Delivery', () => {
    const run = goodRun();
    const deliveries = run.deliveries.map((d) => (d.version === 'v1' ? { version: 'v1', expect: 'live' as const, sha: sha(1), stages: [] } : d));
    expect(checkExpectations({ ...run, deliveries }, lastGood)[0]).toBe('v1 (1111111): the gateway created no Delivery');
  });
});
