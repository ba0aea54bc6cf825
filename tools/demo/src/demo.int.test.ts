/**
 * The demo command's whole story, end to end, as the test suite (and CI)
 * runs it. It starts its own control plane rather than the suite's shared
 * one: it installs deploy/ with its fixed namespaces (sluice-system,
 * sluice-test, sluice-production) and cluster-wide CRDs, which
 * tools/deploy-gen's tests also apply to the shared cluster, and it
 * runs the real services, whose informers would see every other test's
 * objects in those namespaces. An own cluster is also exactly what
 * `bash tools/demo.sh` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoResult } from './result.js';
import { runDemo } from './scenario.js';
import { renderSummary } from './view/summary.js';

let result: DemoResult;

beforeAll(async () => {
  // keepStack: the trace receiver stays up for assertions on the traces below; afterAll stops everything.
  result = await runDemo({ output: 'quiet', keepStack: true });
}, 600_000);

afterAll(async () => {
  await result?.stop?.();
}, 60_000);

describe('the demo: push to live on the local control plane', () => {
  it('behaves as the story says, with nothing that differed', () => {
    expect(result.problems, `${renderSummary(result)}\n${result.diagnostics ?? ''}`).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('ends v1 and v2 Live, v3 Failed on its tests, v4 RolledBack', () => {
    expect(result.deliveries.map((d) => [d.version, d.phase, d.reason])).toEqual([
      ['v1', 'Live', undefined],
      ['v2', 'Live', undefined],
      ['v3', 'Failed', 'TestsFailed'],
      ['v4', 'RolledBack', 'PostPromotionUnhealthy'],
    ]);
    expect(result.deliveries.find((d) => d.version === 'v3')?.stages.find((s) => s.label === 'test')?.tests).toMatchObject({ failed: 1 });
  });

  it('leaves v2 live, answering from a Ready pod of its color', () => {
    const v2 = result.deliveries.find((d) => d.version === 'v2');
    expect(result.live).toMatchObject({ version: 'v2', revision: v2?.sha, color: v2?.liveAfter?.color, answer: 'sample-app v2\n' });
  });

  it('posted the final commit statuses to GitLab for every SHA', () => {
    const statusesOf = (version: string) => result.statuses[result.deliveries.find((d) => d.version === version)?.sha ?? ''];
    expect(statusesOf('v1')).toEqual({ 'sluice/test': 'success', 'sluice/build': 'success', 'sluice/deploy:production': 'success' });
    expect(statusesOf('v3')).toEqual({ 'sluice/test': 'failed', 'sluice/build': 'canceled', 'sluice/deploy:production': 'canceled' });
    expect(statusesOf('v4')).toEqual({ 'sluice/test': 'success', 'sluice/build': 'success', 'sluice/deploy:production': 'failed' });
  });

  it('gave every delivery a trace id, and the receiver (kept running) holds the rolled-back one', async () => {
    expect(result.deliveries.every((d) => /^[0-9a-f]{32}$/.test(d.traceId ?? ''))).toBe(true);
    const traceId = result.deliveries.find((d) => d.version === 'v4')?.traceId ?? '';
    const spans = (await result.receiver?.getTrace(traceId)) ?? [];
    expect(spans.map((s) => s.serviceName)).toContain('webhook-gateway');
  });
});
