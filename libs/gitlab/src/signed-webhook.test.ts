import { createHmac } from 'node:crypto';
import { createWebhookVerifier } from './webhook/verify.js';
import { describe, expect, it } from 'vitest';
import { newWebhookSecrets, signedWebhookHeaders } from './signed-webhook.js';

const body = JSON.stringify({ object_kind: 'push', after: 'a'.repeat(40) });
const now = new Date('2026-04-02T09:00:00Z');

describe('signed webhook headers', () => {
  it('carry the Standard Webhooks signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> keyed by the whsec_ key', () => {
    const secrets = newWebhookSecrets();
    const headers = signedWebhookHeaders(body, secrets, { event: 'Push Hook', instance: 'http://gitlab.test', id: 'delivery-1', now });
    const key = Buffer.from(secrets.signingToken.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`delivery-1.${now.getTime() / 1000}.${body}`).digest('base64');
    expect(headers['webhook-id']).toBe('delivery-1');
    expect(headers['webhook-timestamp']).toBe(String(now.getTime() / 1000));
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('are accepted by the verifier the gateway uses, token and signature', () => {
    const secrets = newWebhookSecrets();
    const verify = createWebhookVerifier({ secretTokens: [secrets.secretToken], signingTokens: [secrets.signingToken], now: () => now });
    const headers = signedWebhookHeaders(body, secrets, { event: 'Push Hook', instance: 'http://gitlab.test', now });
    expect(verify({ headers, body: Buffer.from(body) })).toMatchObject({ ok: true });
  });

  it('are refused for a changed body, another signing key, or a stale timestamp', () => {
    const secrets = newWebhookSecrets();
    const verify = createWebhookVerifier({ secretTokens: [secrets.secretToken], signingTokens: [secrets.signingToken], now: () => now });
    const headers = signedWebhookHeaders(body, secrets, { event: 'Push Hook', instance: 'http://gitlab.test', now });
    expect(verify({ headers, body: Buffer.from(`${body} `) })).toMatchObject({ ok: false, reason: 'bad_signature' });
    const other = signedWebhookHeaders(body, { ...secrets, signingToken: newWebhookSecrets().signingToken }, { event: 'Push Hook', instance: 'x', now });
    expect(verify({ headers: other, body: Buffer.from(body) })).toMatchObject({ ok: false, reason: 'bad_signature' });
    const old = signedWebhookHeaders(body, secrets, { event: 'Push Hook', instance: 'x', now: new Date(now.getTime() - 3_600_000) });
    expect(verify({ headers: old, body: Buffer.from(body) })).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('name the event and use the delivery id as Idempotency-Key, as GitLab does', () => {
    const headers = signedWebhookHeaders(body, newWebhookSecrets(), { event: 'Push Hook', instance: 'http://gitlab.test', id: 'k-1', now });
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'x-gitlab-event': 'Push Hook',
      'x-gitlab-instance': 'http://gitlab.test',
      'idempotency-key': 'k-1',
    });
  });

  it('fresh secrets are a usable token and a 32-byte whsec_ key, different every run', () => {
    const a = newWebhookSecrets();
    const b = newWebhookSecrets();
    expect(Buffer.from(a.signingToken.replace(/^whsec_/, ''), 'base64')).toHaveLength(32);
    expect(a.secretToken).not.toBe(b.secretToken);
    expect(a.signingToken).not.toBe(b.signingToken);
  });
});
