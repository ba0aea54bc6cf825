import { describe, expect, it } from 'vitest';
import { delivery, stage } from '../testing/model.testkit.js';
import { styles } from './color.js';
import { renderShow, runPageUrl, traceId } from './show.js';

const NOW = new Date('2030-01-01T10:10:00.000Z');
const ctx = { now: NOW, styles: styles(false) };

describe('renderShow', () => {
  it('names the commit, its author, the phase with its reason, and each stage with start, duration and detail', () => {
    const d = delivery({
      status: {
        phase: 'RolledBack',
        reason: 'PostPromotionUnhealthy',
        message: 'revision 3f2a9c1 turned unhealthy after promotion',
        stages: [
          stage('test', 'succeeded', { startedAt: '2030-01-01T10:00:05.000Z', finishedAt: '2030-01-01T10:01:10.000Z' }),
          stage('deploy', 'failed', { environment: 'production', startedAt: '2030-01-01T10:02:00.000Z', finishedAt: '2030-01-01T10:05:00.000Z', reason: 'PostPromotionUnhealthy', message: 'pods restarted' }),
        ],
      },
    });
    const text = renderShow(d, ctx);
    expect(text).toContain(`Commit      ${'3f2a9c1e'.repeat(5)}`);
    expect(text).toContain('Pushed by   Ada Lovelace <ada@example.com> (@ada)');
    expect(text).toContain('Phase       RolledBack (PostPromotionUnhealthy: revision 3f2a9c1 turned unhealthy after promotion)');
    expect(text).toMatch(/test\s+✓ succeeded\s+2030-01-01T10:00:05Z\s+1m05s\n/);
    expect(text).toMatch(/deploy:production\s+✗ failed\s+2030-01-01T10:02:00Z\s+3m00s\s+PostPromotionUnhealthy: pods restarted/);
  });

  it("shows the commit's title, author and link when the webhook listed the commit", () => {
    const text = renderShow(delivery({ commit: { title: 'Fix the cart total', authorName: 'Grace Hopper', url: 'https://gitlab.example.com/team/shop/-/commit/3f2a' } }), ctx);
    expect(text).toContain('Title       Fix the cart total\nAuthor      Grace Hopper\nPushed by   Ada Lovelace');
    expect(text).toContain('Commit URL  https://gitlab.example.com/team/shop/-/commit/3f2a');
  });

  it('shows a running stage as "so far", test counts with the first failures, and the log tail', () => {
    const d = delivery({
      status: {
        phase: 'Testing',
        stages: [
          stage('test', 'running', {
            startedAt: '2030-01-01T10:09:30.000Z',
            jobName: 'main-3f2a9c1-0b7e41d2-test',
            testSummary: { total: 4, passed: 2, failed: 2, skipped: 0, firstFailures: ['cart › adds', 'cart › removes'] },
            logTail: 'line one\nline two\n',
          }),
        ],
      },
    });
    const text = renderShow(d, ctx);
    expect(text).toContain('30s so far');
    expect(text).toContain('Tests (test): 4 total, 2 passed, 2 failed, 0 skipped\n  ✗ cart › adds\n  ✗ cart › removes\n');
    expect(text).toContain('Log tail (test, Job main-3f2a9c1-0b7e41d2-test):\n  | line one\n  | line two\n');
  });

  it('tells how to promote a delivery waiting at a manual gate, and which environments were promoted', () => {
    const waiting = delivery({ status: { phase: 'Deploying', stages: [stage('deploy', 'running', { environment: 'production', message: 'waiting for promotion' })] } });
    expect(renderShow(waiting, ctx)).toContain('Note        waiting for promotion in production: sluice promote main-3f2a9c1-0b7e41d2');
    const approved = delivery({ annotations: { 'sluice.dev/promotion-approved.staging': '2030-01-01T10:03:00.000Z' } });
    expect(renderShow(approved, ctx)).toContain('Note        promoted in staging at 2030-01-01T10:03:00Z');
    expect(renderShow(delivery(), ctx)).toContain('  (no stages yet)');
  });

  it('links the run page only when a public URL is configured', () => {
    expect(renderShow(delivery(), { ...ctx, publicUrl: 'https://sluice.example.com/' })).toContain('Run page    https://sluice.example.com/deliveries/main-3f2a9c1-0b7e41d2');
    expect(renderShow(delivery(), ctx)).not.toContain('Run page');
    expect(runPageUrl(undefined, 'x')).toBeUndefined();
  });
});

describe('traceId', () => {
  it("reads the trace id from the status, else from the gateway's traceparent annotation", () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(traceId(delivery({ status: { traceContext: { traceparent: parent } } }))).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceId(delivery({ annotations: { 'sluice.dev/traceparent': parent } }))).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceId(delivery({ annotations: { 'sluice.dev/traceparent': 'garbage' } }))).toBeUndefined();
  });
});
