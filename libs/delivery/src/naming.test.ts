import { describe, expect, it } from 'vitest';
import { LABEL_KEYS } from './contract/labels.js';
import { MAX_DELIVERY_NAME_LENGTH, deliveryLabels, deliveryName } from './naming.js';

const SHA = '3f2a9c1d4e5b6a7980716253443526170899aabb';
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

describe('deliveryName', () => {
  it('is readable: a slug of the ref and the short SHA', () => {
    const name = deliveryName({ project: 42, ref: 'feature/Login_Form', sha: SHA });
    expect(name).toMatch(/^feature-login-form-3f2a9c1-[0-9a-f]{8}$/);
  });

  it('leaves the refs/heads/ and refs/tags/ prefixes out of the readable part', () => {
    expect(deliveryName({ project: 42, ref: 'refs/heads/main', sha: SHA })).toMatch(/^main-3f2a9c1-/);
    expect(deliveryName({ project: 42, ref: 'refs/tags/v1.2.0', sha: SHA })).toMatch(/^v1-2-0-3f2a9c1-/);
  });

  it('is deterministic', () => {
    const input = { project: 'group/app', ref: 'main', sha: SHA };
    expect(deliveryName(input)).toBe(deliveryName({ ...input }));
  });

  it.each([
    ['refs that slugify alike', { ref: 'feature/a_b' }, { ref: 'feature/a-b' }],
    ['a branch and a tag of the same name', { ref: 'refs/heads/v1' }, { ref: 'refs/tags/v1' }],
    ['different projects', { project: 1 }, { project: 2 }],
    ['commits that share a short SHA', { sha: SHA }, { sha: `${SHA.slice(0, 39)}c` }],
    ['long refs that differ only after the cut', { ref: `${'x'.repeat(100)}a` }, { ref: `${'x'.repeat(100)}b` }],
  ])('differs for %s', (_, left, right) => {
    const base = { project: 42, ref: 'main', sha: SHA };
    expect(deliveryName({ ...base, ...left })).not.toBe(deliveryName({ ...base, ...right }));
  });

  it.each([
    'main',
    'x'.repeat(255),
    'ü/ñ/日本',
    '日本語のブランチ',
    '----',
    'UPPER/Case',
    'a'.repeat(27) + '-' + 'b'.repeat(10),
    '1.2.3',
    'refs/heads/' + '-'.repeat(40) + 'z',
  ])('is a DNS label of at most 45 characters for %j', (ref) => {
    const name = deliveryName({ project: 42, ref, sha: SHA });
    expect(name.length).toBeLessThanOrEqual(MAX_DELIVERY_NAME_LENGTH);
    expect(name).toMatch(DNS_LABEL);
    expect(name).toContain('3f2a9c1');
  });

  it('leaves room for derived Job names within 63 characters', () => {
    const name = deliveryName({ project: 42, ref: 'x'.repeat(255), sha: SHA });
    expect(`${name}-deploy-production`.length).toBeLessThanOrEqual(63);
  });
});

describe('deliveryLabels', () => {
  it('uses sluice.dev/ keys and keeps values that are already valid', () => {
    expect(deliveryLabels({ application: 'shop', delivery: 'main-3f2a9c1-0b7e41d2', sha: SHA, project: 42 })).toEqual({
      [LABEL_KEYS.application]: 'shop',
      [LABEL_KEYS.delivery]: 'main-3f2a9c1-0b7e41d2',
      [LABEL_KEYS.sha]: SHA,
      [LABEL_KEYS.project]: '42',
    });
  });

  it('turns refs that are not label values into valid, distinct values', () => {
    const a = deliveryLabels({ application: 'shop', delivery: 'd', sha: SHA, ref: 'feature/a_b' })[LABEL_KEYS.ref];
    const b = deliveryLabels({ application: 'shop', delivery: 'd', sha: SHA, ref: 'feature/a-b' })[LABEL_KEYS.ref];
    const long = deliveryLabels({ application: 'shop', delivery: 'd', sha: SHA, ref: 'ü'.repeat(255) })[LABEL_KEYS.ref];
    for (const value of [a, b, long]) {
      expect(value).toMatch(LABEL_VALUE);
      expect(value?.length).toBeLessThanOrEqual(63);
    }
    expect(a).not.toBe(b);
    expect(a).toMatch(/^feature-a-b-/);
  });
});
