import { describe, expect, it } from 'vitest';
import type { DeliveryOutcome } from '../result.js';
import { deliveryFigures, switchGaps } from './figures.js';

const T = Date.parse('2026-12-07T10:00:00.000Z');
const iso = (ms: number) => new Date(T + ms).toISOString();

describe('push-to-live figures', () => {
  const v1: DeliveryOutcome = {
    version: 'v1',
    expect: 'live',
    sha: 'a'.repeat(40),
    title: 'v1',
    name: 'main-aaaa',
    webhookSentAt: T,
    stages: [
      { label: 'test', state: 'succeeded', startedAt: iso(100), finishedAt: iso(6_100) },
      { label: 'build', state: 'succeeded', startedAt: iso(6_200), finishedAt: iso(15_200) },
      { label: 'deploy:production', state: 'succeeded', startedAt: iso(15_300), finishedAt: iso(30_300) },
    ],
  };
  const runs = [
    { delivery: 'main-aaaa', stage: 'test', pod: 't', createdAt: T + 200, runningAt: T + 600, endedAt: T + 5_900 },
    { delivery: 'main-aaaa', stage: 'build', pod: 'b', createdAt: T + 6_300, runningAt: T + 6_700, endedAt: T + 15_000 },
  ];
  const switches = [{ at: T + 18_300, service: 'app', color: 'blue', revision: 'a'.repeat(40) }];

  it('splits push → Live into the Jobs, the start of their pods, the rollout wait, the bake and what is left: the overhead', () => {
    expect(deliveryFigures(v1, runs, switches)).toEqual({
      version: 'v1',
      totalMs: 30_300,
      testJobMs: 5_300,
      buildJobMs: 8_300,
      podStartMs: 800,
      rolloutWaitMs: 3_000,
      bakeMs: 12_000,
      overheadMs: 900,
    });
  });

  it('measures how long after each switch the old version still answered new requests', () => {
    const sw = [
      { at: T, service: 'app', color: 'blue', revision: 'sha1' },
      { at: T + 1_000, service: 'app', color: 'green', revision: 'sha2' },
    ];
    const samples = [
      { at: T + 900, version: 'v1' },
      { at: T + 1_050, version: 'v1' },
      { at: T + 1_400, version: 'v1' },
      { at: T + 1_450, version: 'v2' },
    ];
    expect(switchGaps(sw, samples, (sha) => ({ sha1: 'v1', sha2: 'v2' })[sha])).toEqual([{ from: 'v1', to: 'v2', gapMs: 400, stale: 2 }]);
  });
});
