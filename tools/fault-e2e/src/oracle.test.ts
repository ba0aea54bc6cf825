import type { RecordedRequest, StoredStatus } from '@sluice/gitlab-stand-in';
import { describe, expect, it } from 'vitest';
import { gitlabFigures, judge, repeatedAfterSuccess, type DeliveryView, type OracleInput, type PushRecord } from './oracle.js';
import type { RevisionKind } from './plan.js';

const NAMES = ['sluice/test', 'sluice/build', 'sluice/deploy:production'];
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const sha = (n: number) => n.toString(16).padStart(40, 'a');
const get = <T>(xs: readonly T[], i: number): T => {
  const x = xs[i];
  if (x === undefined) throw new Error(`no item ${i}`);
  return x;
};

function push(index: number, kind: RevisionKind, branch = 'alpha'): PushRecord {
  return { index, branch, kind, sha: sha(index + 2), projectId: 1, sentAtMs: T0 + index * 1000, answerStatus: 202 };
}

function delivery(p: PushRecord, receivedMs: number, phase: string, o: { deployStartMs?: number; testFailedMs?: number } = {}): DeliveryView {
  const stages: DeliveryView['stages'][number][] = [
    o.testFailedMs !== undefined ? { name: 'test', state: 'failed', startedAt: iso(receivedMs), finishedAt: iso(o.testFailedMs) } : { name: 'test', state: 'succeeded' },
    { name: 'build', state: o.testFailedMs !== undefined ? 'skipped' : 'succeeded' },
    o.deployStartMs !== undefined
      ? { name: 'deploy', environment: 'production', state: phase === 'Live' ? 'succeeded' : phase === 'RolledBack' ? 'failed' : 'canceled', startedAt: iso(o.deployStartMs) }
      : { name: 'deploy', environment: 'production', state: phase === 'Superseded' || phase === 'Failed' ? 'canceled' : 'pending' },
  ];
  return { name: `d-${p.index}`, sha: p.sha, projectId: 1, ref: p.branch, receivedAt: iso(receivedMs), phase, stages };
}

/** GitLab as it should be: one final status per name matching the stages, a deployment when deployed, a note on a rollback. */
function gitlabFor(deliveries: readonly DeliveryView[]): OracleInput['gitlab'] {
  const state: Record<string, string> = { succeeded: 'success', failed: 'failed', skipped: 'canceled', canceled: 'canceled' };
  const statuses = deliveries.flatMap((d) =>
    d.stages.map((s, i) => ({ id: i, projectId: 1, sha: d.sha, ref: d.ref, name: `sluice/${s.name}${s.environment ? `:${s.environment}` : ''}`, status: state[s.state] ?? 'pending', retried: false }) as unknown as StoredStatus),
  );
  const deployments = deliveries.filter((d) => d.stages.some((s) => s.name === 'deploy' && s.startedAt)).map((d, i) => ({ id: i, iid: i, projectId: 1, environment: { id: 1, name: 'production' }, sha: d.sha, ref: d.ref, tag: false, status: 'success', createdAt: '', updatedAt: '' }));
  const commitComments = deliveries.filter((d) => d.phase === 'RolledBack').map((d) => ({ projectId: 1, sha: d.sha, note: 'rolled back', path: null, line: null, createdAt: '' }));
  return { statuses, deployments, commitComments, requests: [] };
}

function input(pushes: PushRecord[], deliveries: DeliveryView[], live: string | undefined): OracleInput {
  return { pushes, deliveries, live: new Map([['alpha', live]]), environment: 'production', statusNames: NAMES, gitlab: gitlabFor(deliveries) };
}

describe('judge', () => {
  it('accepts the intended outcomes: older pushes superseded before deploying, a started deploy finishing, the newest by its kind', () => {
    const p = [push(0, 'passing'), push(1, 'unhealthy'), push(2, 'passing'), push(3, 'failing'), push(4, 'passing')];
    const d = [
      delivery(get(p, 0), 0, 'Live', { deployStartMs: 500 }),
      delivery(get(p, 1), 2000, 'RolledBack', { deployStartMs: 3000 }), // deploy started before push 2 arrived (5000)
      delivery(get(p, 2), 5000, 'Superseded'), // push 3 arrived at 6000, before any deploy
      delivery(get(p, 3), 6000, 'Failed', { testFailedMs: 7000 }), // failed before push 4 (9000)
      delivery(get(p, 4), 9000, 'Live', { deployStartMs: 12000 }),
    ];
    const r = judge(input(p, d, get(p, 4).sha));
    expect(r.problems).toEqual([]);
    expect(r.verdicts.map((v) => v.allowed)).toEqual([['Live'], ['RolledBack'], ['Superseded'], ['Failed'], ['Live']]);
  });

  it('names a push whose deploy had started but that ended Superseded, and a Service serving the wrong revision', () => {
    const p = [push(0, 'passing'), push(1, 'passing')];
    const d = [delivery(get(p, 0), 0, 'Superseded', { deployStartMs: 100 }), delivery(get(p, 1), 5000, 'Live', { deployStartMs: 6000 })];
    const r = judge(input(p, d, get(p, 0).sha));
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(/push #1 .* is Superseded, expected Live/);
    expect(r.problems[1]).toMatch(/alpha: the Service serves aaaa.*expected/);
  });

  it('allows either outcome in a tie, and Failed or Superseded for a failing push overtaken before its tests failed', () => {
    const p = [push(0, 'passing'), push(1, 'failing'), push(2, 'passing')];
    const d = [delivery(get(p, 0), 0, 'Superseded', { deployStartMs: 4500 }), delivery(get(p, 1), 4000, 'Superseded'), delivery(get(p, 2), 8000, 'Live', { deployStartMs: 9000 })];
    const r = judge(input(p, d, get(p, 2).sha));
    expect(r.problems).toEqual([]);
    expect(r.verdicts[0]).toMatchObject({ allowed: ['Live', 'Superseded'], tie: true });
    expect(r.verdicts[1]?.allowed).toEqual(['Failed', 'Superseded']);
  });

  it('wants exactly one Delivery per push, and one final status per name', () => {
    const p = [push(0, 'passing')];
    const d = [delivery(get(p, 0), 0, 'Live', { deployStartMs: 100 })];
    const gitlab = gitlabFor(d);
    const twice = { ...gitlab, statuses: [...gitlab.statuses, { ...gitlab.statuses[0], id: 99 } as StoredStatus] };
    expect(judge({ ...input(p, d, get(p, 0).sha), gitlab: twice }).problems).toEqual([expect.stringMatching(/2 final statuses sluice\/test/)]);
    expect(judge(input(p, [...d, { ...get(d, 0), name: 'other' }], get(p, 0).sha)).problems[0]).toMatch(/2 Deliveries/);
  });
});

describe('GitLab requests', () => {
  const req = (at: number, status: number, body: unknown, method = 'POST'): RecordedRequest =>
    ({ method, path: '/api/v4/projects/1/statuses/abc', query: {}, headers: {}, body, authenticated: true, status, fault: status === 429 || status === 502, at: iso(at) }) as RecordedRequest;

  it('flags a write sent again after it succeeded, not one retried after a failure', () => {
    const ok = [req(0, 429, { state: 'success' }), req(1, 502, { state: 'success' }), req(2, 201, { state: 'success' }), req(3, 201, { state: 'failed' })];
    expect(repeatedAfterSuccess(ok)).toEqual([]);
    expect(gitlabFigures(ok)).toEqual({ requests: 4, faults429: 1, faults502: 1, retries: 2 });
    expect(repeatedAfterSuccess([...ok, req(4, 201, { state: 'success' })])).toHaveLength(1);
    expect(repeatedAfterSuccess([req(0, 200, null, 'GET'), req(1, 200, null, 'GET')])).toEqual([]);
  });
});
