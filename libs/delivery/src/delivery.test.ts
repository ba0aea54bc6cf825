import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { ApplicationSpecSchema, ApplicationStatusSchema } from './application.js';
import { DeliverySpecSchema, DeliveryStatusSchema } from './delivery.js';
import type { DeliverySpec } from './delivery.js';
import { NULL_SHA } from './git.js';
import { FailureReasonSchema, WebhookRejectionReasonSchema } from './reasons.js';
import { parseDelivery, parseDeliverySpec } from './validate-delivery.js';

const SHA = '3f2a9c1d4e5b6a7980716253443526170899aabb';

function spec(): DeliverySpec {
  return {
    application: 'web',
    project: { id: 42, path: 'shop/web' },
    repositoryUrl: 'https://gitlab.example.com/shop/web.git',
    ref: 'main',
    refType: 'branch',
    before: NULL_SHA,
    after: SHA,
    checkoutSha: SHA,
    pusher: { name: 'Ada Lovelace', username: 'ada', email: '[REDACTED]' },
    idempotencyKey: 'f5a1e9c2-8d4b-4f0e-9a6b-2c3d4e5f6a7b',
    receivedAt: '2025-01-31T12:00:00.000Z',
  };
}

function problems(input: unknown): readonly string[] {
  const result = parseDeliverySpec(input);
  return result.ok ? [] : result.error.problems;
}

describe('Delivery spec', () => {
  it('accepts what the gateway writes for a push', () => {
    expect(parseDeliverySpec(spec())).toEqual({ ok: true, value: spec() });
  });

  it('keeps the project page and the commit as the webhook described them, for people', () => {
    const described = {
      ...spec(),
      projectUrl: 'https://gitlab.example.com/shop/web',
      commit: { title: 'Fix <b>checkout</b> rounding', authorName: 'Ada Lovelace', url: `https://gitlab.example.com/shop/web/-/commit/${SHA}` },
    };
    expect(parseDeliverySpec(described)).toEqual({ ok: true, value: described });
    expect(problems({ ...spec(), commit: { title: 'x'.repeat(1025) } })).toEqual(['commit.title: Too big: expected string to have <=1024 characters']);
  });

  it.each([
    ['a ref that is not a valid Git ref', { ref: 'main..x' }, 'ref: must not contain ".."'],
    ['a ref that looks like an option', { ref: '--upload-pack=evil' }, 'ref: must not start with "-"'],
    ['an abbreviated SHA', { checkoutSha: '3f2a9c1' }, 'checkoutSha: must be a full 40-character lowercase hexadecimal commit SHA'],
    ['a null checkout SHA', { checkoutSha: NULL_SHA }, 'checkoutSha: must name a commit, not the null SHA'],
    ['a deleted branch', { after: NULL_SHA }, 'after: is the null SHA: a deleted ref is not delivered'],
    ['a local time', { receivedAt: '2025-01-31 12:00' }, 'receivedAt: must be an ISO 8601 UTC timestamp such as "2025-01-31T12:00:00.000Z"'],
    ['an unknown ref type', { refType: 'branch_or_tag' }, 'refType: Invalid option: expected one of "branch"|"tag"|"merge_request"'],
    ['a merge request without its details', { refType: 'merge_request' }, 'mergeRequest: is required when refType is merge_request'],
    ['an application name that is not a DNS label', { application: 'Web_App' }, 'application: must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit'],
  ])('rejects %s', (_, override, message) => {
    expect(problems({ ...spec(), ...override })).toEqual([message]);
  });

  it('requires a merge request delivery to be for its source branch', () => {
    const input = { ...spec(), refType: 'merge_request', mergeRequest: { iid: 7, sourceBranch: 'feature/x', targetBranch: 'main' } };
    expect(problems(input)).toEqual(['ref: must be the merge request\'s source branch "feature/x"']);
    expect(problems({ ...input, ref: 'feature/x' })).toEqual([]);
  });

  it('lists every missing field', () => {
    expect(problems({ ref: 'main' })).toEqual(
      ['application', 'project', 'repositoryUrl', 'refType', 'before', 'after', 'checkoutSha', 'pusher', 'idempotencyKey', 'receivedAt'].map(
        (field) => `${field}: is required`,
      ),
    );
  });
});

describe('Delivery status', () => {
  const object = { apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', metadata: { name: 'main-3f2a9c1-0b7e41d2' }, spec: spec() };

  it('defaults an empty status to Pending with no stages', () => {
    expect(DeliveryStatusSchema.parse({})).toEqual({ phase: 'Pending', stages: [], posted: {} });
  });

  it('rejects deploy stages without an environment and duplicate stages', () => {
    const result = parseDelivery({
      ...object,
      status: { stages: [{ name: 'test', state: 'running' }, { name: 'test', state: 'pending' }, { name: 'deploy', state: 'pending' }] },
    });
    expect(result.ok ? [] : result.error.problems).toEqual([
      'status.stages[1]: duplicates an earlier test stage',
      'status.stages[2].environment: is required for a deploy stage',
    ]);
  });

  it('accepts only closed failure reasons', () => {
    const result = parseDelivery({ ...object, status: { phase: 'Failed', reason: 'Flaky' } });
    expect(result.ok).toBe(false);
    expect(FailureReasonSchema.safeParse('OOMKilled').success).toBe(true);
    expect(WebhookRejectionReasonSchema.safeParse('TestsFailed').success).toBe(false);
  });
});

describe('CRD representability', () => {
  it.each([
    ['ApplicationSpec', ApplicationSpecSchema],
    ['ApplicationStatus', ApplicationStatusSchema],
    ['DeliverySpec', DeliverySpecSchema],
    ['DeliveryStatus', DeliveryStatusSchema],
  ] as const)('%s converts to JSON Schema with Kubernetes-compatible patterns', (_, schema) => {
    const json = JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }));
    // Kubernetes evaluates patterns with RE2, which has no lookarounds or backreferences.
    expect(json).not.toMatch(/\(\?[=!<]|\\\\[1-9]/);
    // Structural schemas cannot express unions.
    expect(json).not.toMatch(/"(?:anyOf|oneOf)"/);
  });
});
