import { runPageUrl } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { delivery, stage } from '../testing/model.testkit.js';
import { styles } from './color.js';
import { renderShow } from './show.js';

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

  it('says where a Live Delivery serves now, and by which Delivery and when it was replaced elsewhere', () => {
    const d = delivery({
      status: { phase: 'Live', liveIn: ['staging'], replaced: [{ environment: 'production', by: 'main-9e8d7c6-11aa22bb', at: '2030-01-01T10:08:00.000Z' }] },
    });
    expect(renderShow(d, ctx)).toContain(
      'Phase       Live\nTraffic     Live in staging\nTraffic     Replaced by main-9e8d7c6-11aa22bb at 2030-01-01T10:08:00Z in production\n',
    );
    expect(renderShow(delivery({ status: { phase: 'Live' } }), ctx)).not.toContain('Traffic');
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
    const waiting = delivery({ status: { phase: 'Deploying', stages: [stage('deploy', 'running', { environment: 'production', promotion: 'waiting', message: 'waiting for promotion' })] } });
    expect(renderShow(waiting, ctx)).toContain('Note        waiting for promotion in production: sluice promote main-3f2a9c1-0b7e41d2');
    const approved = delivery({ annotations: { 'sluice.dev/promotion-approved.staging': '2030-01-01T10:03:00.000Z' } });
    expect(renderShow(approved, ctx)).toContain('Note        promoted in staging at 2030-01-01T10:03:00Z');
    expect(renderShow(delivery(), ctx)).toContain('  (no stages yet)');
  });

  it('says a Delivery in the middle of an environment is superseded once it finished there', () => {
    const endRequested = { phase: 'Superseded', message: 'superseded by main-4', supersededBy: 'main-4', requestedAt: '2030-01-01T10:03:00.000Z' } as const;
    const baking = delivery({ status: { phase: 'Verifying', stages: [stage('deploy', 'running', { environment: 'production' })], endRequested } });
    expect(renderShow(baking, ctx)).toContain('Note        superseded by main-4 once this environment is finished');
  });

  it('links the run page only when a public URL is configured', () => {
    expect(renderShow(delivery(), { ...ctx, publicUrl: 'https://sluice.example.com/' })).toContain('Run page    https://sluice.example.com/deliveries/main-3f2a9c1-0b7e41d2');
    expect(renderShow(delivery(), ctx)).not.toContain('Run page');
    expect(runPageUrl(undefined, 'x')).toBeUndefined();
  });
});

describe('renderShow: trace', () => {
  it("shows the trace id from the gateway's traceparent annotation, and none for an invalid one", () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const trace = (d: Parameters<typeof renderShow>[0]) => /^Trace +(.*)$/m.exec(renderShow(d, ctx))?.[1];
    expect(trace(delivery({ annotations: { 'sluice.dev/traceparent': parent } }))).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace(delivery({ annotations: { 'sluice.dev/traceparent': 'garbage' } }))).toBeUndefined();
    expect(trace(delivery({ annotations: { 'sluice.dev/traceparent': `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` } }))).toBeUndefined();
  });
});

describe('renderShow: text from the push', () => {
  const ESC = '\x1b';
  // Clears the screen, sets the window title, and a C1 CSI (U+009B) that recolours.
  const evil = `${ESC}[2J${ESC}]0;pwned\x07\x9b31m`;
  const shown = '^[[2J^[]0;pwned^GM-^[31m';

  it('never writes a control character from the Delivery to the terminal, in any field, and shows it escaped instead', () => {
    const d = delivery({
      ref: `feature/${evil}`,
      commit: { title: `title ${evil}`, authorName: `author ${evil}`, url: `https://gitlab.example.com/${evil}` },
      annotations: { 'sluice.dev/rollback': `production${evil}` },
      status: {
        phase: 'Failed',
        reason: 'TestsFailed',
        message: `message ${evil}`,
        supersededBy: `other${evil}`,
        stages: [
          stage('test', 'failed', {
            reason: 'TestsFailed',
            message: `stage ${evil}`,
            jobName: `job${evil}`,
            testSummary: { total: 1, passed: 0, failed: 1, skipped: 0, firstFailures: [`test ${evil}`] },
            logTail: `log ${evil}\r\nnext line\n`,
          }),
        ],
      },
    });
    const withPusher = { ...d, spec: { ...d.spec, pusher: { name: `pusher ${evil}`, username: `u${evil}`, email: `e${evil}@example.com` } } };
    const mr = delivery({ ref: 'feature/x' });
    const withMr = { ...mr, spec: { ...mr.spec, mergeRequest: { iid: 4, title: `MR ${evil}`, sourceBranch: `src${evil}`, targetBranch: 'main', url: `https://gitlab.example.com/${evil}` } } };

    for (const [input, mustShow] of [
      [
        withPusher,
        [
          'Ref         feature/',
          'Title       title ',
          'Author      author ',
          'Pushed by   pusher ',
          'Commit URL  https://gitlab.example.com/',
          'Phase       Failed (TestsFailed: message ',
          'TestsFailed: stage ',
          '  ✗ test ',
          'Log tail (test, Job job',
          '  | log ',
          'Note        manual rollback Delivery for production',
          'Note        superseded by other',
        ],
      ],
      [withMr, ['Title       MR ', 'MR          !4 src']],
    ] as const) {
      const text = renderShow(input, ctx);
      // eslint-disable-next-line no-control-regex -- looking for control characters is the point
      expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
      for (const start of mustShow) expect(text).toContain(`${start}${shown}`);
    }
    expect(renderShow(withPusher, ctx)).toContain(`  | log ${shown}^M\n  | next line\n`);
  });
});
