import { startGitlabStandIn, type GitlabStandIn } from '@sluice/gitlab-stand-in';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../gitlab-client.js';
import { act, type Target } from './post.js';

const TOKEN = 'glpat-post-test';
const PROJECT = { id: 6120, path: 'platform/orders' };

let gitlab: GitlabStandIn;
beforeAll(async () => {
  gitlab = await startGitlabStandIn({ token: TOKEN, projects: [PROJECT] });
});
afterAll(async () => gitlab?.close());

const client = () => createGitlabClient({ url: gitlab.url, token: TOKEN, timeoutMs: 5_000 });
const now = () => new Date();
const deploymentsOf = (sha: string, environment: string) => gitlab.deployments().filter((d) => d.sha === sha && d.environment.name === environment);

describe('deployments across a lost answer', () => {
  it('adopts the deployment a create whose answer was lost left, instead of creating a second one', async () => {
    const sha = '1111111111111111111111111111111111111111';
    const target: Target = { projectId: PROJECT.id, sha, ref: 'main', tag: false, since: new Date(Date.now() - 1_000).toISOString() };
    const gl = await client();
    // The first attempt reached GitLab, but its answer never made it to status.posted (a crash, a timeout).
    const lost = await gl.createDeployment({ projectId: PROJECT.id, environment: 'production', sha, ref: 'main', tag: false, status: 'running' });
    expect(lost.kind).toBe('ok');

    const again = await act(gl, { kind: 'deployment', key: 'deployment:production', environment: 'production', status: 'running' }, target, now);
    expect(again).toMatchObject({ kind: 'recorded', how: 'verified', record: { deploymentId: lost.kind === 'ok' ? lost.value.id : -1 } });
    const later = await act(gl, { kind: 'deployment', key: 'deployment:production', environment: 'production', status: 'success' }, target, now);
    expect(later).toMatchObject({ kind: 'recorded', how: 'posted' });
    expect(deploymentsOf(sha, 'production')).toMatchObject([{ status: 'success' }]);
  });

  it('records, and does not send again, an update of its deployment whose answer was lost', async () => {
    const sha = '4444444444444444444444444444444444444444';
    const target: Target = { projectId: PROJECT.id, sha, ref: 'main', tag: false };
    const gl = await client();
    const created = await gl.createDeployment({ projectId: PROJECT.id, environment: 'production', sha, ref: 'main', tag: false, status: 'running' });
    const id = created.kind === 'ok' ? created.value.id : -1;
    // The update reached GitLab, its answer did not reach status.posted (the leader was killed).
    await gl.updateDeployment(PROJECT.id, id, 'failed');
    const puts = () => gitlab.requests({ method: 'PUT', path: `/deployments/${id}` }).length;
    const before = puts();

    const again = await act(gl, { kind: 'deployment', key: 'deployment:production', environment: 'production', status: 'failed', deploymentId: id, verifyFirst: true }, target, now);
    expect(again).toMatchObject({ kind: 'recorded', how: 'verified', record: { deploymentId: id, state: 'failed' } });
    expect(puts()).toBe(before);
  });

  it("creates its own deployment when the commit's existing one belongs to an earlier Delivery (a rollback redeploy)", async () => {
    const sha = '2222222222222222222222222222222222222222';
    const gl = await client();
    await gl.createDeployment({ projectId: PROJECT.id, environment: 'production', sha, ref: 'main', tag: false, status: 'success' });
    const target: Target = { projectId: PROJECT.id, sha, ref: 'main', tag: false, since: new Date(Date.now() + 1_000).toISOString() };

    const outcome = await act(gl, { kind: 'deployment', key: 'deployment:production', environment: 'production', status: 'running' }, target, now);
    expect(outcome).toMatchObject({ kind: 'recorded', how: 'posted' });
    expect(deploymentsOf(sha, 'production').map((d) => d.status)).toEqual(['success', 'running']);
  });
});

describe('the rollback note across a lost answer', () => {
  const noteCall = (delivery: string, target: { kind: 'merge_request'; iid: number } | { kind: 'commit' }) => {
    const marker = `<!-- sluice:rollback-note delivery=${delivery} -->`;
    return { kind: 'note', key: 'sluice/rollback-note', note: { key: 'sluice/rollback-note', target, body: `Rolled back.\n\n${marker}`, marker } } as const;
  };

  it('finds the note a create whose answer was lost posted, on the merge request or the commit, and does not post it twice', async () => {
    const sha = '3333333333333333333333333333333333333333';
    const target: Target = { projectId: PROJECT.id, sha, ref: 'main', tag: false };
    const gl = await client();
    for (const [delivery, on] of [['orders-a', { kind: 'merge_request', iid: 41 }], ['orders-b', { kind: 'commit' }]] as const) {
      const first = await act(gl, noteCall(delivery, on), target, now);
      expect(first).toMatchObject({ kind: 'recorded', how: 'posted' });
      // The answer was lost: the same call again (a crash before status.posted, a second replica).
      const again = await act(gl, noteCall(delivery, on), target, now);
      expect(again).toMatchObject({ kind: 'recorded', how: 'verified' });
    }
    expect(gitlab.notes().filter((n) => n.mergeRequestIid === 41)).toHaveLength(1);
    expect(gitlab.commitComments().filter((c) => c.sha === sha)).toHaveLength(1);
    // Another Delivery's note on the same merge request is its own.
    expect(await act(gl, noteCall('orders-c', { kind: 'merge_request', iid: 41 }), target, now)).toMatchObject({ how: 'posted' });
  });
});
