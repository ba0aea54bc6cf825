import { describe, expect, it } from 'vitest';
import { getHeader, readWebhookMetadata } from './headers.js';

describe('webhook headers', () => {
  const sent = {
    'X-Gitlab-Event': 'Push Hook',
    'X-Gitlab-Token': 'secret',
    'X-Gitlab-Instance': 'https://gitlab.acme.test',
    'X-Gitlab-Webhook-UUID': '6b1c0a40-0000-4000-8000-000000000001',
    'X-Gitlab-Event-UUID': '6b1c0a40-0000-4000-8000-000000000002',
    'Idempotency-Key': '6b1c0a40-0000-4000-8000-000000000003',
  };

  it('reads GitLab’s delivery headers from fetch Headers and Node records alike, without the token', () => {
    const expected = {
      event: 'Push Hook',
      instance: 'https://gitlab.acme.test',
      webhookUuid: '6b1c0a40-0000-4000-8000-000000000001',
      eventUuid: '6b1c0a40-0000-4000-8000-000000000002',
      idempotencyKey: '6b1c0a40-0000-4000-8000-000000000003',
    };
    expect(readWebhookMetadata(new Headers(sent))).toEqual(expected);
    const lowerCased = Object.fromEntries(Object.entries(sent).map(([k, v]) => [k.toLowerCase(), v]));
    expect(readWebhookMetadata(lowerCased)).toEqual(expected);
    expect(JSON.stringify(readWebhookMetadata(lowerCased))).not.toContain('secret');
  });

  it('joins repeated headers and returns undefined for absent ones', () => {
    expect(getHeader({ 'webhook-signature': ['v1,a', 'v1,b'] }, 'Webhook-Signature')).toBe('v1,a, v1,b');
    expect(getHeader({}, 'x-gitlab-event')).toBeUndefined();
    expect(readWebhookMetadata({}).idempotencyKey).toBeUndefined();
  });
});
