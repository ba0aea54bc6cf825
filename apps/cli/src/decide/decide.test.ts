import { describe, expect, it } from 'vitest';
import { application, delivery, stage } from '../testing/model.testkit.js';
import { parseRollbackRecord } from './outcome.js';
import { newestPod, podSteps, type Pod } from './pods.js';
import { planPromote } from './promote.js';
import { planRollback } from './rollback.js';
import { selectDeliveries } from './select.js';

describe('selectDeliveries', () => {
  const all = [
    delivery({ name: 'old', receivedAt: '2030-01-01T09:00:00.000Z' }),
    delivery({ name: 'new', receivedAt: '2030-01-01T11:00:00.000Z', ref: 'feature/x' }),
    delivery({ name: 'mid', receivedAt: '2030-01-01T10:00:00.000Z', app: 'blog' }),
    delivery({ name: 'tag', receivedAt: '2030-01-01T10:30:00.000Z', ref: 'main', refType: 'tag' }),
  ];
  it('orders newest push first and counts every match past the limit', () => {
    expect(selectDeliveries(all, {}, 0).shown.map((d) => d.metadata.name)).toEqual(['new', 'tag', 'mid', 'old']);
    const limited = selectDeliveries(all, {}, 2);
    expect(limited.shown.map((d) => d.metadata.name)).toEqual(['new', 'tag']);
    expect(limited.total).toBe(4);
  });
  it('filters by application and by branch (tags are not branches)', () => {
    expect(selectDeliveries(all, { app: 'blog' }, 0).shown.map((d) => d.metadata.name)).toEqual(['mid']);
    expect(selectDeliveries(all, { branch: 'main' }, 0).shown.map((d) => d.metadata.name)).toEqual(['mid', 'old']);
  });
});

describe('planPromote', () => {
  const waiting = (annotations?: Record<string, string>) =>
    delivery({ annotations, status: { phase: 'Deploying', stages: [stage('deploy', 'succeeded', { environment: 'staging' }), stage('deploy', 'running', { environment: 'production', promotion: 'waiting', message: 'waiting for promotion' })] } });

  it('promotes a delivery waiting at a manual gate, in the environment it waits in', () => {
    expect(planPromote(waiting(), undefined)).toEqual({ kind: 'promote', environment: 'production', alreadyRequested: false });
    expect(planPromote(waiting({ 'sluice.dev/action': 'promote' }), 'production')).toEqual({ kind: 'promote', environment: 'production', alreadyRequested: true });
  });

  it('says when it was already approved', () => {
    expect(planPromote(waiting({ 'sluice.dev/promotion-approved.production': '2030-01-01T10:00:00Z' }), undefined)).toEqual({
      kind: 'approved',
      environment: 'production',
      at: '2030-01-01T10:00:00Z',
    });
  });

  it('refuses a delivery that is not waiting, has finished, or waits elsewhere', () => {
    const rolling = delivery({ status: { phase: 'Deploying', stages: [stage('deploy', 'running', { environment: 'production', message: 'rolling out' })] } });
    expect(planPromote(rolling, undefined)).toEqual({ kind: 'refuse', why: 'delivery main-3f2a9c1-0b7e41d2 is not waiting for promotion (phase Deploying; deploy:production is running (rolling out))' });
    expect(planPromote(delivery({ status: { phase: 'Live' } }), undefined)).toEqual({ kind: 'refuse', why: 'delivery main-3f2a9c1-0b7e41d2 has already finished (Live); there is nothing to promote' });
    expect(planPromote(waiting(), 'staging')).toEqual({ kind: 'refuse', why: 'delivery main-3f2a9c1-0b7e41d2 waits for promotion in production, not staging' });
  });
});

describe('planRollback', () => {
  const live = 'a'.repeat(40);
  const previous = 'b'.repeat(40);
  const found = (annotations: Record<string, string>) => ({ kind: 'found' as const, annotations });

  it('asks the deployer to return to the previous good revision of the environment', () => {
    const plan = planRollback(application(), 'production', found({ 'sluice.dev/revision': live, 'sluice.dev/previous-revision': previous }));
    expect(plan).toEqual({ kind: 'rollback', action: 'rollback:production', alreadyRequested: false, from: live, to: previous });
  });

  it('leaves the decision to the deployer when the Service cannot be read', () => {
    expect(planRollback(application({ staging: true }), 'staging', { kind: 'unknown' })).toEqual({ kind: 'rollback', action: 'rollback:staging', alreadyRequested: false });
  });

  it('treats a pending request for the same environment (also the short "rollback" form) as already asked', () => {
    const svc = found({ 'sluice.dev/revision': live, 'sluice.dev/previous-revision': previous });
    expect(planRollback(application({ annotations: { 'sluice.dev/action': 'rollback' } }), 'production', svc)).toMatchObject({ kind: 'rollback', alreadyRequested: true });
    expect(planRollback(application({ staging: true, annotations: { 'sluice.dev/action': 'rollback:staging' } }), 'production', svc)).toEqual({
      kind: 'refuse',
      why: 'application shop already has a pending action "rollback:staging"; wait for the deployer to take it',
    });
  });

  it('refuses when there is nothing to roll back to', () => {
    expect(planRollback(application(), 'staging', { kind: 'absent' })).toEqual({ kind: 'refuse', why: 'application shop has no staging environment' });
    expect(planRollback(application(), 'production', { kind: 'absent' })).toEqual({
      kind: 'refuse',
      why: 'nothing is live in production yet (no Service shop/shop-production); there is nothing to roll back',
    });
    expect(planRollback(application(), 'production', found({ 'sluice.dev/revision': live }))).toEqual({ kind: 'refuse', why: 'shop has no previous good revision in production to return to' });
    expect(planRollback(application(), 'production', found({ 'sluice.dev/revision': live, 'sluice.dev/previous-revision': live }))).toEqual({
      kind: 'refuse',
      why: 'the previous good revision aaaaaaa is already live in production',
    });
  });
});

describe('parseRollbackRecord', () => {
  it("reads the deployer's three outcomes", () => {
    const sha = 'c'.repeat(40);
    expect(parseRollbackRecord(`rollback@2030-01-01T10:00:00.000Z → ${sha} (switch to blue)`)).toEqual({ kind: 'switched', at: '2030-01-01T10:00:00.000Z', sha, color: 'blue' });
    expect(parseRollbackRecord(`rollback@2030-01-01T10:00:00.000Z → ${sha} (redeploy)`)).toEqual({ kind: 'redeploy', at: '2030-01-01T10:00:00.000Z', sha });
    expect(parseRollbackRecord('rollback@2030-01-01T10:00:00.000Z refused: there is no previous good revision to return to')).toEqual({
      kind: 'refused',
      at: '2030-01-01T10:00:00.000Z',
      why: 'there is no previous good revision to return to',
    });
    expect(parseRollbackRecord('something else')).toEqual({ kind: 'other', text: 'something else' });
  });
});

describe('pods', () => {
  const pod = (name: string, created: string, status: Pod['status'] = {}): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, creationTimestamp: created },
    spec: { initContainers: [{ name: 'clone' }, { name: 'install' }], containers: [{ name: 'test' }] },
    status,
  });

  it('picks the newest pod of a retried Job', () => {
    expect(newestPod([pod('a', '2030-01-01T10:00:00Z'), pod('b', '2030-01-01T10:05:00Z')])?.metadata.name).toBe('b');
    expect(newestPod([])).toBeUndefined();
  });

  it('lists the steps in the order they run, with which ones have started', () => {
    const p = pod('a', '2030-01-01T10:00:00Z', {
      initContainerStatuses: [
        { name: 'clone', state: { terminated: { exitCode: 0 } } },
        { name: 'install', state: { running: {} } },
      ],
      containerStatuses: [{ name: 'test', state: { waiting: { reason: 'PodInitializing' } } }],
    });
    expect(podSteps(p)).toEqual([
      { name: 'clone', started: true, done: true },
      { name: 'install', started: true, done: false },
      { name: 'test', started: false, done: false },
    ]);
  });
});
