import { describe, expect, it } from 'vitest';
import type { Delivery, DeliveryStatus, EnvironmentName } from '@sluice/delivery';
import { deliveryObject, fakeSha } from '../testing/delivery.testkit.js';
import { desiredFor, environmentTier } from './desired.js';

const options = { prefix: 'sluice', publicUrl: 'https://sluice.example.test' };
const base = deliveryObject({ name: 'd1', namespace: 'ns', sha: fakeSha(1) });
const withStatus = (status: Partial<DeliveryStatus>): Delivery => ({ ...base, status: { phase: 'Pending', stages: [], posted: {}, ...status } });

describe('desiredFor', () => {
  it('reports every planned stage pending before any controller wrote a status, linking the run page', () => {
    const desired = desiredFor(base, options);
    expect(desired.statuses.map((s) => [s.name, s.state])).toEqual([
      ['sluice/test', 'pending'],
      ['sluice/build', 'pending'],
      ['sluice/deploy:staging', 'pending'],
      ['sluice/deploy:production', 'pending'],
    ]);
    expect(desired.statuses[0]?.targetUrl).toBe('https://sluice.example.test/deliveries/d1');
    expect(desired.deployments).toEqual([]);
  });

  it('reports only the test for a push routed nowhere', () => {
    const testOnly = deliveryObject({ name: 'd2', namespace: 'ns', sha: fakeSha(2), environments: [] });
    expect(desiredFor(testOnly, options).statuses.map((s) => s.name)).toEqual(['sluice/test']);
  });

  it('maps stage states to GitLab states and puts the reason and message in a failure description', () => {
    const desired = desiredFor(
      withStatus({
        phase: 'Failed',
        stages: [
          { name: 'test', state: 'failed', reason: 'TestsFailed', message: '3 of 120 tests failed:\n  test_checkout' },
          { name: 'build', state: 'skipped' },
        ],
      }),
      options,
    );
    expect(desired.statuses).toMatchObject([
      { name: 'sluice/test', state: 'failed', description: 'TestsFailed: 3 of 120 tests failed: test_checkout' },
      { name: 'sluice/build', state: 'canceled' },
    ]);
  });

  it('keeps descriptions within GitLab’s 255 characters', () => {
    const desired = desiredFor(withStatus({ stages: [{ name: 'test', state: 'failed', reason: 'OOMKilled', message: 'x'.repeat(2000) }] }), options);
    expect(Array.from(desired.statuses[0]?.description ?? '')).toHaveLength(255);
  });

  it('cancels stages a finished Delivery left open, with its reason', () => {
    const desired = desiredFor(
      withStatus({ phase: 'Superseded', reason: 'Superseded', message: 'a newer push', stages: [{ name: 'test', state: 'running', startedAt: '2025-01-31T12:00:01.000Z' }] }),
      options,
    );
    expect(desired.statuses[0]).toMatchObject({ state: 'canceled', description: 'Superseded: a newer push' });
  });

  it('creates a deployment once a deploy stage starts, not before', () => {
    const desired = desiredFor(
      withStatus({
        phase: 'Deploying',
        stages: [
          { name: 'deploy', environment: 'staging', state: 'succeeded', startedAt: '2025-01-31T12:00:01.000Z' },
          { name: 'deploy', environment: 'production', state: 'pending' },
        ],
      }),
      options,
    );
    expect(desired.deployments).toEqual([
      { key: 'sluice/deployment:staging', environment: 'staging', status: 'success', environmentKey: 'sluice/environment:staging', tier: 'staging' },
    ]);
  });

  it('asks for one note after a rollback, on the merge request when there is one', () => {
    const delivery: Delivery = {
      ...withStatus({
        phase: 'RolledBack',
        reason: 'PostPromotionUnhealthy',
        message: 'error rate 12% after promotion',
        stages: [
          { name: 'deploy', environment: 'staging', state: 'succeeded' },
          { name: 'deploy', environment: 'production', state: 'failed', reason: 'PostPromotionUnhealthy' },
        ],
      }),
      spec: { ...base.spec, mergeRequest: { iid: 12, sourceBranch: 'feature', targetBranch: 'main' } },
    };
    const note = desiredFor(delivery, options).note;
    expect(note?.target).toEqual({ kind: 'merge_request', iid: 12 });
    expect(note?.body).toContain('rolled back');
    expect(note?.body).toContain('PostPromotionUnhealthy: error rate 12% after promotion');
    expect(note?.body).toMatch(/production\*\*: the version that was live before/);
    expect(desiredFor(withStatus({ phase: 'Failed' }), options).note).toBeUndefined();
  });
});

describe('environmentTier', () => {
  it('maps production and staging to their own tier and anything else to other', () => {
    expect(environmentTier('production')).toBe('production');
    expect(environmentTier('staging')).toBe('staging');
    expect(environmentTier('review' as EnvironmentName)).toBe('other');
  });
});
