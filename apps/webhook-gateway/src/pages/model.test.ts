import { describe, expect, it } from 'vitest';
import { fakeSha } from '../fixtures/index.js';
import { delivery, TRACE_ID } from './delivery.testkit.js';
import { runPageModel, type PageContext } from './model.js';

const NOW = new Date('2026-04-02T08:05:00.000Z');
const CONTEXT: PageContext = { now: NOW, basePath: '' };
const GRAFANA = { url: 'https://grafana.example.test/', tempoDatasource: 'tempo-main' };

const TESTING = {
  phase: 'Testing' as const,
  stages: [
    { name: 'test' as const, state: 'running' as const, startedAt: '2026-04-02T08:00:10.000Z' },
    { name: 'build' as const, state: 'pending' as const },
  ],
};

describe('run page model', () => {
  it('a Live Delivery says where it serves now, and by which Delivery (linked under the base path) and when it was replaced elsewhere', () => {
    const status = { phase: 'Live' as const, stages: [], liveIn: ['staging' as const], replaced: [{ environment: 'production' as const, by: 'trunk-2', at: '2026-04-02T08:04:00.000Z' }] };
    const page = runPageModel(delivery({ status }), { ...CONTEXT, basePath: '/sluice' });
    expect(page).toMatchObject({ phase: 'Live', liveIn: ['staging'], replaced: [{ environment: 'production', by: { name: 'trunk-2', href: '/sluice/deliveries/trunk-2' }, at: '2026-04-02 08:04:00 UTC' }] });
    const plain = runPageModel(delivery({ status: { phase: 'Live', stages: [] } }), CONTEXT);
    expect(plain).not.toHaveProperty('liveIn');
    expect(plain).not.toHaveProperty('replaced');
  });

  it('shows the commit, who pushed, and where it goes, linking the commit on GitLab', () => {
    const sha = fakeSha('model-1');
    const page = runPageModel(delivery({ sha, ref: 'feature/login', title: 'Add login' }), CONTEXT);
    expect(page).toMatchObject({
      title: 'Add login',
      application: 'inventory',
      refKind: 'branch',
      ref: 'feature/login',
      sha,
      shortSha: sha.slice(0, 7),
      commitUrl: `https://gitlab.example.test/platform/inventory-svc/-/commit/${sha}`,
      projectUrl: 'https://gitlab.example.test/platform/inventory-svc',
      author: 'Lin Haruki',
      pusher: 'Lin Haruki (@lharuki)',
      receivedAt: '2026-04-02 08:00:00 UTC',
      links: {
        list: '/deliveries',
        application: '/deliveries?application=inventory',
        ref: '/deliveries?application=inventory&branch=feature%2Flogin',
      },
    });
    expect(page).not.toHaveProperty('mergeRequest');
  });

  it('before any controller wrote a status, shows the planned stages pending and keeps reloading', () => {
    const page = runPageModel(delivery({ environments: ['staging', 'production'] }), CONTEXT);
    expect(page.phase).toBe('Pending');
    expect(page.stages.map((s) => [s.label, s.state])).toEqual([
      ['test', 'pending'],
      ['build', 'pending'],
      ['deploy/staging', 'pending'],
      ['deploy/production', 'pending'],
    ]);
    expect(page.refreshSeconds).toBe(2);
    expect(page.elapsed).toBe('5m 00s');
  });

  it('shows a running stage with its start time and how long it has been running', () => {
    const page = runPageModel(delivery({ status: TESTING }), CONTEXT);
    expect(page).toMatchObject({ phase: 'Testing', tone: 'running', final: false, refreshSeconds: 2 });
    expect(page.stages[0]).toEqual({ label: 'test', state: 'running', tone: 'running', startedAt: '2026-04-02 08:00:10 UTC', duration: '4m 50s' });
  });

  it('shows a failure with its reason, message, exit code, test summary and log tail, and stops reloading', () => {
    const page = runPageModel(
      delivery({
        status: {
          phase: 'Failed',
          reason: 'TestsFailed',
          message: '2 of 40 tests failed',
          stages: [
            {
              name: 'test',
              state: 'failed',
              startedAt: '2026-04-02T08:00:10.000Z',
              finishedAt: '2026-04-02T08:01:15.000Z',
              reason: 'TestsFailed',
              message: '2 of 40 tests failed',
              exitCode: 1,
              jobName: 'trunk-abc-test',
              logTail: 'FAIL src/cart.test.ts\n',
              testSummary: { total: 40, passed: 36, failed: 2, skipped: 2, firstFailures: ['cart > rounds totals', 'cart > applies coupons'] },
            },
            { name: 'build', state: 'skipped', finishedAt: '2026-04-02T08:01:15.000Z', reason: 'TestsFailed' },
          ],
        },
      }),
      CONTEXT,
    );
    expect(page).toMatchObject({ phase: 'Failed', tone: 'failure', final: true, reason: 'TestsFailed', message: '2 of 40 tests failed', elapsed: '1m 15s' });
    expect(page).not.toHaveProperty('refreshSeconds');
    expect(page.stages[0]).toMatchObject({
      state: 'failed',
      tone: 'failure',
      duration: '1m 05s',
      finishedAt: '2026-04-02 08:01:15 UTC',
      exitCode: 1,
      job: 'trunk-abc-test',
      logTail: 'FAIL src/cart.test.ts\n',
      tests: { passed: 36, failed: 2, skipped: 2, total: 40, firstFailures: ['cart > rounds totals', 'cart > applies coupons'] },
    });
    expect(page.stages[1]).toMatchObject({ state: 'skipped', tone: 'neutral', reason: 'TestsFailed' });
  });

  it('shows stages left open by a superseded Delivery as canceled, linking the newer Delivery', () => {
    const page = runPageModel(
      delivery({ status: { ...TESTING, phase: 'Superseded', reason: 'Superseded', message: 'a newer push arrived', supersededBy: 'trunk-1234567-89abcdef' } }),
      CONTEXT,
    );
    expect(page.stages.map((s) => [s.state, s.reason])).toEqual([
      ['canceled', 'Superseded'],
      ['canceled', 'Superseded'],
    ]);
    expect(page.supersededBy).toEqual({ name: 'trunk-1234567-89abcdef', href: '/deliveries/trunk-1234567-89abcdef' });
    expect(page.refreshSeconds).toBeUndefined();
  });

  it('says a Delivery baking when a newer push came finishes its environment first, and links the newer one', () => {
    const endRequested = { phase: 'Superseded', message: 'superseded by trunk-2', supersededBy: 'trunk-2', requestedAt: '2026-04-02T09:00:00.000Z' } as const;
    const baking = runPageModel(delivery({ status: { ...TESTING, phase: 'Verifying', endRequested } }), CONTEXT);
    expect(baking.supersedeRequested).toEqual({ name: 'trunk-2', href: '/deliveries/trunk-2' });
    expect(runPageModel(delivery({ status: { ...TESTING, phase: 'Live', endRequested } }), CONTEXT).supersedeRequested).toBeUndefined();
  });

  it('links a merge request delivery to its merge request, titled by the merge request when no commit is known', () => {
    const d = delivery({
      ref: 'feature/timeout-config',
      spec: {
        refType: 'merge_request',
        mergeRequest: { iid: 214, sourceBranch: 'feature/timeout-config', targetBranch: 'trunk', title: 'Make the timeout configurable' },
        commit: undefined,
      },
    });
    const page = runPageModel({ ...d, spec: { ...d.spec, commit: undefined } }, CONTEXT);
    expect(page).toMatchObject({
      title: 'Make the timeout configurable',
      refKind: 'merge request',
      mergeRequest: { label: '!214', target: 'trunk', url: 'https://gitlab.example.test/platform/inventory-svc/-/merge_requests/214' },
    });
  });

  it('shows the trace id always, and a Grafana link to it only when Grafana is configured', () => {
    const plain = runPageModel(delivery(), CONTEXT);
    expect(plain.traceId).toBe(TRACE_ID);
    expect(plain).not.toHaveProperty('grafanaUrl');

    const linked = runPageModel(delivery(), { ...CONTEXT, grafana: GRAFANA });
    const url = new URL(linked.grafanaUrl as string);
    expect(`${url.origin}${url.pathname}`).toBe('https://grafana.example.test/explore');
    expect(url.searchParams.get('schemaVersion')).toBe('1');
    const panes = JSON.parse(url.searchParams.get('panes') as string) as Record<string, { datasource: string; queries: { query: string; queryType: string; datasource: unknown }[] }>;
    const pane = Object.values(panes)[0];
    expect(pane?.datasource).toBe('tempo-main');
    expect(pane?.queries[0]).toMatchObject({ query: TRACE_ID, queryType: 'traceql', datasource: { type: 'tempo', uid: 'tempo-main' } });
  });

  it('shows no trace for an invalid traceparent', () => {
    expect(runPageModel(delivery({ traceparent: 'not-a-traceparent' }), CONTEXT)).not.toHaveProperty('traceId');
    expect(runPageModel(delivery({ traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }), CONTEXT)).not.toHaveProperty('traceId');
  });

  it('never links to anything but http(s): a javascript: URL from a webhook is dropped', () => {
    const d = delivery({
      spec: {
        projectUrl: 'javascript:alert(1)',
        repositoryUrl: 'https://gitlab.example.test/platform/inventory-svc.git',
        refType: 'merge_request',
        ref: 'trunk',
        mergeRequest: { iid: 3, sourceBranch: 'trunk', targetBranch: 'main', url: 'javascript:alert(2)' },
        commit: { title: 'x', url: 'javascript:alert(3)' },
      },
    });
    const page = runPageModel(d, CONTEXT);
    const hrefs = [page.commitUrl, page.projectUrl, page.mergeRequest?.url].filter((href) => href !== undefined);
    expect(hrefs.every((href) => href.startsWith('https://'))).toBe(true);
    expect(JSON.stringify(page)).not.toContain('javascript:');
  });

  it('puts every link under the public URL path prefix', () => {
    const page = runPageModel(delivery({ status: { ...TESTING, phase: 'Superseded', supersededBy: 'newer-1' } }), { ...CONTEXT, basePath: '/sluice' });
    expect(page.links.list).toBe('/sluice/deliveries');
    expect(page.supersededBy?.href).toBe('/sluice/deliveries/newer-1');
  });
});
