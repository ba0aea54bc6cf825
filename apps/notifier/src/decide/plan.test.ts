import { describe, expect, it } from 'vitest';
import type { PostedStatus } from '@sluice/delivery';
import type { Desired } from './desired.js';
import { deploymentIdOf, planCalls } from './plan.js';

const at = '2025-01-31T12:00:00.000Z';
const open = { verified: () => false, refused: () => false };
const desired = (state: 'pending' | 'running' | 'success' | 'failed'): Desired => ({
  statuses: [{ name: 'sluice/test', state, description: 'd' }],
  deployments: [],
});
const posted = (state: PostedStatus['state'], description = 'd'): Record<string, PostedStatus> => ({ 'sluice/test': { state, description, postedAt: at } });

describe('planCalls', () => {
  it('posts a status GitLab has not seen, and nothing once it is posted', () => {
    expect(planCalls(desired('pending'), {}, open)).toMatchObject([{ kind: 'status', key: 'sluice/test', status: { state: 'pending' } }]);
    expect(planCalls(desired('pending'), posted('pending'), open)).toEqual([]);
  });

  it('posts only the latest state after an outage, straight from pending to the final one', () => {
    expect(planCalls(desired('success'), posted('pending'), open)).toMatchObject([{ status: { state: 'success' } }]);
  });

  it('never moves a status backwards', () => {
    expect(planCalls(desired('pending'), posted('running'), open)).toEqual([]);
    expect(planCalls(desired('running'), posted('success'), open)).toEqual([]);
  });

  it('reads GitLab first before a state this process has not verified for the name, and not after', () => {
    expect(planCalls(desired('failed'), posted('running'), open)).toMatchObject([{ verifyFirst: true }]);
    expect(planCalls(desired('failed'), posted('running'), { ...open, verified: () => true })).toMatchObject([{ verifyFirst: false }]);
    expect(planCalls(desired('running'), posted('pending'), open)).toMatchObject([{ verifyFirst: true }]);
    expect(planCalls(desired('running'), posted('pending'), { ...open, verified: () => true })).toMatchObject([{ verifyFirst: false }]);
  });

  it('does not repeat a call GitLab refused', () => {
    expect(planCalls(desired('success'), {}, { ...open, refused: (key, state) => key === 'sluice/test' && state === 'success' })).toEqual([]);
  });

  it('sets the environment tier, then creates a deployment, then moves the recorded one by id until it is final', () => {
    const want = (status: 'running' | 'success'): Desired => ({
      statuses: [],
      deployments: [{ key: 'k', environment: 'production', status, environmentKey: 'e', tier: 'production' }],
    });
    expect(planCalls(want('running'), {}, open)).toEqual([
      { kind: 'environment', key: 'e', environment: 'production', tier: 'production' },
      { kind: 'deployment', key: 'k', environment: 'production', status: 'running' },
    ]);
    const tiered = { e: { state: 'success' as const, description: 'tier production', postedAt: at } };
    expect(planCalls(want('running'), tiered, open)).toEqual([{ kind: 'deployment', key: 'k', environment: 'production', status: 'running' }]);
    const running = { ...tiered, k: { state: 'running' as const, description: 'deployment #42', deploymentId: 42, postedAt: at } };
    // Not posted by this process: read back first (an update whose answer was lost is not sent again).
    expect(planCalls(want('success'), running, open)).toEqual([{ kind: 'deployment', key: 'k', environment: 'production', status: 'success', deploymentId: 42, verifyFirst: true }]);
    expect(planCalls(want('success'), running, { ...open, verified: () => true })).toEqual([
      { kind: 'deployment', key: 'k', environment: 'production', status: 'success', deploymentId: 42, verifyFirst: false },
    ]);
    expect(planCalls(want('success'), { k: { ...running.k, state: 'success' } }, open)).toEqual([]);
    expect(deploymentIdOf({ state: 'running', description: 'something else', postedAt: at })).toBeUndefined();
    // The id is a field of the record; records written before the field name it in their description.
    expect(deploymentIdOf({ state: 'running', description: 'shown to people', deploymentId: 9, postedAt: at })).toBe(9);
    expect(deploymentIdOf({ state: 'running', description: 'deployment #42', postedAt: at })).toBe(42);
  });

  it('does not set the tier of an environment whose deployment was already created, nor repeat a refused tier', () => {
    const want: Desired = { statuses: [], deployments: [{ key: 'k', environment: 'staging', status: 'success', environmentKey: 'e', tier: 'staging' }] };
    const running = { k: { state: 'running' as const, description: 'deployment #7', deploymentId: 7, postedAt: at } };
    expect(planCalls(want, running, open)).toMatchObject([{ kind: 'deployment', deploymentId: 7 }]);
    expect(planCalls(want, {}, { ...open, refused: (key) => key === 'e' })).toMatchObject([{ kind: 'deployment', key: 'k' }]);
  });

  it('posts the rollback note once', () => {
    const withNote: Desired = { statuses: [], deployments: [], note: { key: 'n', target: { kind: 'commit' }, body: 'b', marker: 'm' } };
    expect(planCalls(withNote, {}, open)).toHaveLength(1);
    expect(planCalls(withNote, { n: { state: 'success', postedAt: at } }, open)).toEqual([]);
  });
});
