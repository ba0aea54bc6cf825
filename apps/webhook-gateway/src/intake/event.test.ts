import { NULL_SHA } from '@sluice/delivery';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PROJECT, loadFixture, type FixtureName } from '../fixtures/index.js';
import { toIntakeEvent } from './event.js';

function classify(name: FixtureName, change: (json: Record<string, unknown>) => void = () => undefined) {
  const fixture = loadFixture(name);
  change(fixture.json);
  return toIntakeEvent(fixture.event, fixture.json);
}

describe('toIntakeEvent', () => {
  it('delivers a push to a branch at checkout_sha, with the pusher', () => {
    const json = loadFixture('push').json;
    expect(classify('push')).toMatchObject({
      kind: 'deliver',
      project: FIXTURE_PROJECT,
      ref: 'trunk',
      refType: 'branch',
      nameRef: 'refs/heads/trunk',
      before: json['before'],
      after: json['after'],
      checkoutSha: json['checkout_sha'],
      pusher: { name: 'Lin Haruki', username: 'lharuki' },
    });
  });

  it('keeps the pushed head commit and the project page for people, and nothing when the head is not listed', () => {
    const json = loadFixture('push').json;
    expect(classify('push')).toMatchObject({
      projectUrl: 'https://gitlab.example.test/platform/inventory-svc',
      commit: { title: 'trunk 3: adjust reservation timeout', authorName: 'Lin Haruki', url: expect.stringContaining(json['checkout_sha'] as string) },
    });
    expect(classify('push', (j) => (j['commits'] = []))).not.toHaveProperty('commit');
  });

  it('keeps slashes in branch names and records a new branch with the null before', () => {
    expect(classify('push-new-branch-slashes')).toMatchObject({ kind: 'deliver', ref: 'release/2026.04/rc-1', before: NULL_SHA });
  });

  it('delivers the pushed head even when GitLab listed only 20 of the commits', () => {
    const json = loadFixture('push-many-commits').json;
    expect((json['commits'] as unknown[]).length).toBe(20);
    expect(json['total_commits_count']).toBe(27);
    expect(classify('push-many-commits')).toMatchObject({ kind: 'deliver', checkoutSha: json['after'] });
  });

  it('delivers an annotated tag at the tagged commit, not the tag object', () => {
    const json = loadFixture('tag-push-annotated').json;
    const event = classify('tag-push-annotated');
    expect(json['after']).not.toBe(json['checkout_sha']);
    expect(event).toMatchObject({ kind: 'deliver', ref: 'v3.1.0', refType: 'tag', after: json['after'], checkoutSha: json['checkout_sha'] });
  });

  it('turns a branch deletion into a cancel request for that branch, without a SHA', () => {
    expect(classify('push-branch-deleted')).toEqual({ kind: 'ref_deleted', project: FIXTURE_PROJECT, ref: 'release/2026.04/rc-1', refType: 'branch' });
  });

  it('turns a tag deletion into a cancel request for that tag', () => {
    expect(classify('tag-push-deleted')).toMatchObject({ kind: 'ref_deleted', ref: 'v3.0.9', refType: 'tag' });
  });

  it('tests a fork merge request in the target project at last_commit, keeping nothing of the fork\'s URL', () => {
    const json = loadFixture('merge-request-open-fork').json;
    const attrs = json['object_attributes'] as { last_commit: { id: string } };
    expect(classify('merge-request-open-fork')).toMatchObject({
      kind: 'deliver',
      project: FIXTURE_PROJECT,
      ref: 'feature/timeout-config',
      refType: 'merge_request',
      nameRef: 'refs/merge-requests/214/head',
      checkoutSha: attrs.last_commit.id,
      mergeRequest: { iid: 214, sourceBranch: 'feature/timeout-config', targetBranch: 'trunk' },
      // Links go to the target project, where the merge request lives.
      projectUrl: 'https://gitlab.example.test/platform/inventory-svc',
    });
    expect(JSON.stringify(classify('merge-request-open-fork'))).not.toContain('lharuki/inventory-svc.git');
  });

  it('delivers a merge request update that brought commits, and ignores one that did not', () => {
    expect(classify('merge-request-update-commits')).toMatchObject({ kind: 'deliver', refType: 'merge_request' });
    expect(classify('merge-request-update-title')).toMatchObject({ kind: 'ignored', reason: 'no_new_commits' });
  });

  it('ignores merge requests that are closed or merged', () => {
    const merged = classify('merge-request-open-fork', (json) => {
      Object.assign(json['object_attributes'] as object, { action: 'merge', state: 'merged' });
    });
    expect(merged).toMatchObject({ kind: 'ignored', reason: 'no_new_commits' });
  });

  it('ignores events Sluice does not handle, with the reason', () => {
    expect(classify('note-hook')).toMatchObject({ kind: 'ignored', reason: 'unknown_event' });
  });

  it.each([
    ['a short SHA', (json: Record<string, unknown>) => (json['checkout_sha'] = 'a1b2c3d')],
    ['an upper-case SHA', (json: Record<string, unknown>) => (json['after'] = 'A'.repeat(40))],
    ['a ref that is not a branch', (json: Record<string, unknown>) => (json['ref'] = 'refs/notes/commits')],
    ['a ref with shell syntax Git forbids', (json: Record<string, unknown>) => (json['ref'] = 'refs/heads/x;$(reboot)~1')],
    ['a ref with ..', (json: Record<string, unknown>) => (json['ref'] = 'refs/heads/a/../b')],
    ['a missing project', (json: Record<string, unknown>) => delete json['project']],
  ])('refuses %s as malformed', (_, change) => {
    expect(classify('push', change)).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a payload whose object_kind contradicts the event header', () => {
    const tag = loadFixture('tag-push-annotated').json;
    expect(toIntakeEvent('Push Hook', tag)).toMatchObject({ kind: 'invalid' });
  });

  it('refuses a delivery without an event header', () => {
    expect(toIntakeEvent(undefined, loadFixture('push').json)).toMatchObject({ kind: 'invalid' });
  });
});
