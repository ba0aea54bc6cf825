import { describe, expect, it } from 'vitest';
import { loadFixture, type FixtureName } from '../fixtures/index.js';
import { ZERO_SHA } from '../sha.js';
import { parseEvent } from './parse.js';

function parseFixture(name: FixtureName, edit?: (json: Record<string, unknown>) => void) {
  const fixture = loadFixture(name);
  edit?.(fixture.json);
  return parseEvent(fixture.event, fixture.json);
}

describe('Push Hook', () => {
  it('parses a push to an existing branch', () => {
    const event = parseFixture('push');
    expect(event).toMatchObject({
      kind: 'push',
      ref: 'refs/heads/main',
      branch: 'main',
      created: false,
      refProtected: true,
      totalCommitsCount: 3,
      commitsTruncated: false,
      project: {
        id: 4217,
        path: 'storefront/checkout-api',
        gitHttpUrl: 'https://gitlab.acme.test/storefront/checkout-api.git',
        defaultBranch: 'main',
      },
      pusher: { id: 311, username: 'aokafor', name: 'Ada Okafor', email: null },
    });
    if (event.kind !== 'push') throw new Error('unreachable');
    expect(event.before).toMatch(/^[0-9a-f]{40}$/);
    expect(event.sha).toBe(event.after);
    expect(event.commits).toHaveLength(3);
    expect(event.commits.at(-1)?.sha).toBe(event.after);
  });

  it('marks a new branch (before all zeros) as created with no previous tip, keeping slashes in the name', () => {
    const event = parseFixture('push-new-branch');
    expect(event).toMatchObject({ kind: 'push', created: true, before: null, branch: 'feature/payments-retry' });
  });

  it('ignores a branch deletion (after all zeros, checkout_sha null)', () => {
    expect(parseFixture('push-branch-deleted')).toEqual({
      kind: 'ignored',
      reason: 'ref_deleted',
      detail: 'branch feature/old-cart was deleted',
    });
  });

  it('reports truncation when more than 20 commits were pushed', () => {
    const event = parseFixture('push-many-commits');
    expect(event).toMatchObject({ kind: 'push', branch: 'release/2026.03', totalCommitsCount: 27, commitsTruncated: true });
    if (event.kind !== 'push') throw new Error('unreachable');
    expect(event.commits).toHaveLength(20);
    expect(event.sha).toBe(event.commits.at(-1)?.sha);
  });

  it('keeps a real email and drops an empty or redacted one', () => {
    expect(parseFixture('push', (j) => (j.user_email = 'ada@acme.test'))).toMatchObject({ pusher: { email: 'ada@acme.test' } });
    expect(parseFixture('push', (j) => (j.user_email = '[REDACTED]'))).toMatchObject({ pusher: { email: null } });
  });

  it('falls back to after when checkout_sha is absent but the branch exists', () => {
    const event = parseFixture('push', (j) => (j.checkout_sha = null));
    expect(event.kind === 'push' && event.sha === event.after).toBe(true);
  });

  it.each([
    ['a short SHA', (j: Record<string, unknown>) => (j.after = 'da15608')],
    ['an upper-case SHA', (j: Record<string, unknown>) => (j.checkout_sha = String(j.checkout_sha).toUpperCase())],
    ['a tag ref', (j: Record<string, unknown>) => (j.ref = 'refs/tags/v1')],
    ['a ref with ..', (j: Record<string, unknown>) => (j.ref = 'refs/heads/a..b')],
    ['a ref with a space', (j: Record<string, unknown>) => (j.ref = 'refs/heads/a b')],
    ['a missing project', (j: Record<string, unknown>) => delete j.project],
    ['a string project id', (j: Record<string, unknown>) => (j.project_id = '4217')],
    ['a commit with a bad id', (j: Record<string, unknown>) => (j.commits = [{ ...(j.commits as object[])[0], id: 'zz' }])],
  ])('rejects %s as malformed', (_label, edit) => {
    expect(parseFixture('push', edit)).toMatchObject({ kind: 'invalid', reason: 'malformed' });
  });

  it('says which field is wrong without echoing values', () => {
    const event = parseFixture('push', (j) => (j.after = 'secret-looking-value'));
    expect(event).toMatchObject({ kind: 'invalid' });
    if (event.kind !== 'invalid') throw new Error('unreachable');
    expect(event.detail).toContain('after');
    expect(event.detail).not.toContain('secret-looking-value');
  });

  it('passes unknown extra fields through', () => {
    expect(parseFixture('push', (j) => (j.some_future_field = { nested: true }))).toMatchObject({ kind: 'push' });
  });
});

describe('Tag Push Hook', () => {
  it('uses checkout_sha (the commit), not after (the tag object), for an annotated tag', () => {
    const event = parseFixture('tag-push-annotated');
    expect(event).toMatchObject({ kind: 'tag_push', tag: 'v1.4.0', annotated: true, message: 'Release 1.4.0', before: null });
    if (event.kind !== 'tag_push') throw new Error('unreachable');
    const json = loadFixture('tag-push-annotated').json;
    expect(event.sha).toBe(json.checkout_sha);
    expect(event.tagObjectSha).toBe(json.after);
    expect(event.sha).not.toBe(event.tagObjectSha);
  });

  it('parses a lightweight tag, whose after is the commit, keeping slashes in the name', () => {
    const event = parseFixture('tag-push-lightweight');
    expect(event).toMatchObject({ kind: 'tag_push', tag: 'nightly/2026-03-09', annotated: false, message: null });
    if (event.kind !== 'tag_push') throw new Error('unreachable');
    expect(event.sha).toBe(event.tagObjectSha);
  });

  it('ignores a tag deletion', () => {
    expect(parseFixture('tag-push-deleted')).toMatchObject({ kind: 'ignored', reason: 'ref_deleted', detail: 'tag v1.3.0 was deleted' });
  });

  it('rejects a created tag without checkout_sha, since after may be a tag object', () => {
    expect(parseFixture('tag-push-annotated', (j) => (j.checkout_sha = null))).toMatchObject({ kind: 'invalid' });
  });

  it('accepts a payload without user_username or user_email (as in GitLab\'s documented example)', () => {
    const event = parseFixture('tag-push-annotated', (j) => {
      delete j.user_username;
      delete j.user_email;
    });
    expect(event).toMatchObject({ kind: 'tag_push', pusher: { username: null, email: null } });
  });
});

describe('Merge Request Hook', () => {
  it('reports on the source project and last commit for a fork', () => {
    const event = parseFixture('merge-request-open-fork');
    const json = loadFixture('merge-request-open-fork').json as { object_attributes: { last_commit: { id: string } } };
    expect(event).toMatchObject({
      kind: 'merge_request',
      action: 'open',
      iid: 57,
      state: 'opened',
      draft: false,
      sha: json.object_attributes.last_commit.id,
      oldrev: null,
      sourceBranch: 'payments/retry-timeouts',
      targetBranch: 'main',
      sourceProject: { id: 5120, path: 'aokafor/checkout-api', gitHttpUrl: 'https://gitlab.acme.test/aokafor/checkout-api.git' },
      targetProject: { id: 4217, path: 'storefront/checkout-api' },
      user: { id: 311, username: 'aokafor' },
    });
  });

  it('keeps oldrev when an update changed code', () => {
    const event = parseFixture('merge-request-update');
    expect(event).toMatchObject({ kind: 'merge_request', action: 'update', sourceProject: { id: 4217 } });
    if (event.kind !== 'merge_request') throw new Error('unreachable');
    expect(event.oldrev).toMatch(/^[0-9a-f]{40}$/);
    expect(event.oldrev).not.toBe(event.sha);
  });

  it('parses a non-code action such as approved', () => {
    expect(parseFixture('merge-request-approved')).toMatchObject({ kind: 'merge_request', action: 'approved', oldrev: null });
  });

  it('maps an undocumented action to unknown instead of failing', () => {
    expect(parseFixture('merge-request-approved', (j) => ((j.object_attributes as Record<string, unknown>).action = 'teleport'))).toMatchObject({
      kind: 'merge_request',
      action: 'unknown',
    });
  });

  it('rejects a merge request without last_commit', () => {
    expect(parseFixture('merge-request-update', (j) => delete (j.object_attributes as Record<string, unknown>).last_commit)).toMatchObject({
      kind: 'invalid',
    });
  });
});

describe('event header', () => {
  it('ignores events Sluice does not handle', () => {
    expect(parseEvent('Note Hook', {})).toMatchObject({ kind: 'ignored', reason: 'unknown_event' });
    expect(parseEvent('System Hook', loadFixture('push').json)).toMatchObject({ kind: 'ignored', reason: 'unknown_event' });
  });

  it('treats a missing header as malformed', () => {
    expect(parseEvent(undefined, loadFixture('push').json)).toMatchObject({ kind: 'invalid', reason: 'malformed' });
    expect(parseEvent(null, {})).toMatchObject({ kind: 'invalid' });
  });

  it('rejects a body whose object_kind contradicts the header', () => {
    expect(parseEvent('Push Hook', loadFixture('tag-push-annotated').json)).toMatchObject({ kind: 'invalid' });
    expect(parseEvent('Tag Push Hook', loadFixture('push').json)).toMatchObject({ kind: 'invalid' });
    expect(parseEvent('Merge Request Hook', loadFixture('push').json)).toMatchObject({ kind: 'invalid' });
  });

  it('rejects non-object JSON', () => {
    for (const json of [null, 42, 'push', []]) expect(parseEvent('Push Hook', json)).toMatchObject({ kind: 'invalid' });
  });

  it('is strict about the zero SHA only where it means "none"', () => {
    expect(parseFixture('push', (j) => (j.before = ZERO_SHA))).toMatchObject({ kind: 'push', created: true, before: null });
  });
});
