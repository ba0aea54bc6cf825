import { describe, expect, it } from 'vitest';
import { branchFromRef, tagFromRef } from './refs.js';

describe('refs', () => {
  it('keeps slashes in branch and tag names', () => {
    expect(branchFromRef('refs/heads/feature/x')).toBe('feature/x');
    expect(tagFromRef('refs/tags/release/v2')).toBe('release/v2');
  });

  it('refuses refs of the other kind or with no name', () => {
    expect(branchFromRef('refs/tags/v1')).toBeNull();
    expect(tagFromRef('refs/heads/main')).toBeNull();
    expect(branchFromRef('refs/heads/')).toBeNull();
    expect(branchFromRef('main')).toBeNull();
  });

  it.each(['a..b', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[b', 'a\\b', 'a/', '/a', 'a//b', 'a.lock', 'a/.b', 'a.', '@', 'a@{1}', 'a\tb', 'x'.repeat(256)])(
    'refuses a branch named %j (git check-ref-format)',
    (name) => expect(branchFromRef(`refs/heads/${name}`)).toBeNull(),
  );

  it.each(['main', 'feature/payments-retry', 'release/2026.03', 'v1.4.0', 'user@host', 'ü-branch'])('accepts a branch named %j', (name) =>
    expect(branchFromRef(`refs/heads/${name}`)).toBe(name),
  );
});
