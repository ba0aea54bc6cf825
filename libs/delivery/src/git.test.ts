import { describe, expect, it } from 'vitest';
import { GitRefNameSchema, fetchRefOf, NULL_SHA, ShaSchema, isNullSha, isSha, isValidRefName, parseFullRef, refNameProblem, shortSha } from './git.js';

const SHA = '3f2a9c1d4e5b6a7980716253443526170899aabb';

describe('SHA', () => {
  it.each([SHA, NULL_SHA])('accepts full lowercase SHA %s', (sha) => {
    expect(isSha(sha)).toBe(true);
    expect(ShaSchema.safeParse(sha).success).toBe(true);
  });

  it.each([
    ['abbreviated', '3f2a9c1'],
    ['upper case', SHA.toUpperCase()],
    ['41 characters', `${SHA}a`],
    ['non-hex', `${SHA.slice(0, 39)}g`],
    ['shell metacharacters', `${SHA.slice(0, 38)};x`],
    ['surrounding space', ` ${SHA}`],
  ])('rejects %s', (_, sha) => {
    expect(isSha(sha)).toBe(false);
    expect(ShaSchema.safeParse(sha).error?.issues[0]?.message).toBe('must be a full 40-character lowercase hexadecimal commit SHA');
  });

  it('recognises only the all-zero SHA as null', () => {
    expect(isNullSha(NULL_SHA)).toBe(true);
    expect(isNullSha(SHA)).toBe(false);
  });

  it('abbreviates to 7 characters', () => {
    expect(shortSha(SHA)).toBe('3f2a9c1');
  });
});

describe('Git ref names (git check-ref-format --allow-onelevel)', () => {
  it.each([
    'main',
    'feature/login-form',
    'release/1.2.x',
    'refs/heads/main',
    'v1.2.0',
    'a.b',
    'user@example',
    'ü/ñ/日本',
    'x.lockfile',
    'foo./bar',
    'a@',
    'x'.repeat(255),
  ])('accepts %j', (ref) => {
    expect(refNameProblem(ref)).toBeUndefined();
    expect(isValidRefName(ref)).toBe(true);
  });

  it.each([
    ['', 'must not be empty'],
    ['x'.repeat(256), 'must be at most 255 characters'],
    ['has space', 'must not contain spaces, ASCII control characters or any of ~ ^ : ? * [ \\'],
    ['tab\there', 'must not contain spaces, ASCII control characters or any of ~ ^ : ? * [ \\'],
    ['new\nline', 'must not contain spaces, ASCII control characters or any of ~ ^ : ? * [ \\'],
    ['del\x7f', 'must not contain spaces, ASCII control characters or any of ~ ^ : ? * [ \\'],
    ...['~', '^', ':', '?', '*', '[', '\\'].map((c) => [`a${c}b`, 'must not contain spaces, ASCII control characters or any of ~ ^ : ? * [ \\']),
    ['/main', 'must not start or end with "/"'],
    ['main/', 'must not start or end with "/"'],
    ['a//b', 'must not contain "//"'],
    ['a..b', 'must not contain ".."'],
    ['..', 'must not contain ".."'],
    ['.hidden', 'no "/"-separated component may start with "."'],
    ['feature/.hidden', 'no "/"-separated component may start with "."'],
    ['main.lock', 'no "/"-separated component may end with ".lock"'],
    ['a.lock/b', 'no "/"-separated component may end with ".lock"'],
    ['a@{b', 'must not contain "@{"'],
    ['a@@{b', 'must not contain "@{"'],
    ['@', 'must not be "@"'],
    ['main.', 'must not end with "."'],
    ['-rf', 'must not start with "-"'],
  ])('rejects %j: %s', (ref, message) => {
    expect(isValidRefName(ref)).toBe(false);
    expect(refNameProblem(ref)).toBe(message);
  });

  it('reports the problem through the zod schema too', () => {
    const result = GitRefNameSchema.safeParse('a..b');
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['must not contain ".."']);
  });
});

describe('parseFullRef', () => {
  it('splits branches and tags', () => {
    expect(parseFullRef('refs/heads/feature/x')).toEqual({ ok: true, ref: 'feature/x', refType: 'branch' });
    expect(parseFullRef('refs/tags/v1.0.0')).toEqual({ ok: true, ref: 'v1.0.0', refType: 'tag' });
  });

  it('refuses other namespaces and invalid names with a reason', () => {
    expect(parseFullRef('refs/merge-requests/1/head')).toEqual({
      ok: false,
      error: 'ref "refs/merge-requests/1/head" is neither a branch (refs/heads/…) nor a tag (refs/tags/…)',
    });
    expect(parseFullRef('refs/heads/a..b')).toEqual({ ok: false, error: 'ref "refs/heads/a..b" must not contain ".."' });
    expect(parseFullRef('refs/heads/-x')).toEqual({ ok: false, error: 'ref name "-x" must not start with "-"' });
  });
});

describe('fetchRefOf', () => {
  it('names the ref the delivered commit must be on: the branch, the tag, or the target project\'s merge-request head', () => {
    expect(fetchRefOf({ ref: 'feature/x', refType: 'branch' })).toBe('refs/heads/feature/x');
    expect(fetchRefOf({ ref: 'v1.0.0', refType: 'tag' })).toBe('refs/tags/v1.0.0');
    expect(fetchRefOf({ ref: 'fork-branch', refType: 'merge_request', mergeRequest: { iid: 12 } })).toBe('refs/merge-requests/12/head');
  });
});
