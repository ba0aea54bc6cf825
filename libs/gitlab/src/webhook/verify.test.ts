import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GitlabError } from '../errors.js';
import { loadFixture } from '../fixtures/index.js';
import { signWebhookPayload } from './sign.js';
import { createWebhookVerifier, verifyWebhook, type WebhookVerifierOptions } from './verify.js';

const SECRET = 'hook-secret-current';
const OLD_SECRET = 'hook-secret-previous';
const SIGNING = `whsec_${Buffer.from('k'.repeat(32)).toString('base64')}`;
const OTHER_SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const NOW = new Date('2026-03-09T10:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);
const body = loadFixture('push').raw;
const ID = 'a1b2c3d4-idempotency-key';

function signedHeaders(overrides: { body?: Uint8Array; timestamp?: number; token?: string; signingToken?: string } = {}) {
  const timestamp = overrides.timestamp ?? TS;
  return {
    'X-Gitlab-Event': 'Push Hook',
    ...(overrides.token === undefined ? {} : { 'X-Gitlab-Token': overrides.token }),
    'webhook-id': ID,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhookPayload({
      signingToken: overrides.signingToken ?? SIGNING,
      webhookId: ID,
      timestamp,
      body: overrides.body ?? body,
    }),
  };
}

const tokenOnly: WebhookVerifierOptions = { secretTokens: [SECRET, OLD_SECRET], now: () => NOW };
const signed: WebhookVerifierOptions = { signingTokens: [SIGNING], now: () => NOW };

describe('X-Gitlab-Token', () => {
  const verify = createWebhookVerifier(tokenOnly);

  it.each([SECRET, OLD_SECRET])('accepts any configured secret (%s) during rotation', (token) => {
    expect(verify({ headers: { 'x-gitlab-token': token }, body })).toEqual({ ok: true });
  });

  it('rejects a wrong token, including a prefix or extension of a real one', () => {
    for (const token of ['nope', SECRET.slice(0, -1), `${SECRET}x`, '']) {
      expect(verify({ headers: { 'x-gitlab-token': token }, body })).toMatchObject({ ok: false, reason: 'bad_token' });
    }
  });

  it('rejects a missing token', () => {
    expect(verify({ headers: { 'x-gitlab-event': 'Push Hook' }, body })).toEqual({
      ok: false,
      reason: 'bad_token',
      detail: 'X-Gitlab-Token header is missing',
    });
  });

  it('reads the header case-insensitively from fetch Headers and plain records', () => {
    expect(verify({ headers: new Headers({ 'X-Gitlab-Token': SECRET }), body })).toEqual({ ok: true });
    expect(verify({ headers: { 'X-GITLAB-TOKEN': SECRET }, body })).toEqual({ ok: true });
  });

  it('matches a configured secret that had line breaks, as GitLab strips them before sending', () => {
    const v = createWebhookVerifier({ secretTokens: ['abc\ndef\n'] });
    expect(v({ headers: { 'x-gitlab-token': 'abcdef' }, body })).toEqual({ ok: true });
  });

  it('never puts the secret in the rejection detail', () => {
    const result = verify({ headers: { 'x-gitlab-token': 'hook-secret-curren' }, body });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});

describe('Standard Webhooks signature', () => {
  const verify = createWebhookVerifier(signed);

  it('accepts a valid signature over the raw body', () => {
    expect(verify({ headers: signedHeaders(), body })).toEqual({ ok: true });
  });

  it('matches what the standardwebhooks algorithm produces independently', () => {
    const key = Buffer.from(SIGNING.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${ID}.${TS}.${body.toString('utf8')}`).digest('base64');
    expect(signWebhookPayload({ signingToken: SIGNING, webhookId: ID, timestamp: TS, body })).toBe(`v1,${expected}`);
  });

  it('rejects a tampered body even with an otherwise valid signature', () => {
    const tampered = Buffer.from(body.toString('utf8').replace('"refs/heads/main"', '"refs/heads/prod"'));
    expect(verify({ headers: signedHeaders(), body: tampered })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a signature made with another key', () => {
    expect(verify({ headers: signedHeaders({ signingToken: OTHER_SIGNING }), body })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a signature whose id or timestamp was changed after signing', () => {
    expect(verify({ headers: { ...signedHeaders(), 'webhook-id': 'other-id' }, body })).toMatchObject({ reason: 'bad_signature' });
    expect(verify({ headers: { ...signedHeaders(), 'webhook-timestamp': String(TS + 1) }, body })).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('requires the signature headers', () => {
    for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers: Record<string, string> = { ...signedHeaders() };
      delete headers[missing];
      expect(verify({ headers, body })).toMatchObject({ ok: false, reason: 'bad_signature' });
    }
  });

  it('accepts a header holding several space-separated signatures when any one is valid', () => {
    const valid = signedHeaders()['webhook-signature'];
    const bogus = `v1,${randomBytes(32).toString('base64')}`;
    const headers = { ...signedHeaders(), 'webhook-signature': `${bogus} v1a,${randomBytes(64).toString('base64')} ${valid}` };
    expect(verify({ headers, body })).toEqual({ ok: true });
    expect(verify({ headers: { ...headers, 'webhook-signature': `${bogus} ${bogus}` }, body })).toMatchObject({ reason: 'bad_signature' });
  });

  it('still finds the valid signature when a proxy delivered it as repeated headers', () => {
    const valid = signedHeaders()['webhook-signature'];
    const headers = { ...signedHeaders(), 'webhook-signature': [`v1,${randomBytes(32).toString('base64')}`, valid] };
    expect(verify({ headers, body })).toEqual({ ok: true });
  });

  it('ignores non-v1 schemes even when they carry the right bytes', () => {
    const valid = signedHeaders()['webhook-signature'];
    expect(verify({ headers: { ...signedHeaders(), 'webhook-signature': valid.replace('v1,', 'v2,') }, body })).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('rejects an authentic but expired or future timestamp outside ±300 s', () => {
    expect(verify({ headers: signedHeaders({ timestamp: TS - 301 }), body })).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verify({ headers: signedHeaders({ timestamp: TS + 301 }), body })).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    expect(verify({ headers: signedHeaders({ timestamp: TS - 300 }), body })).toEqual({ ok: true });
  });

  it('honours a configured window', () => {
    const strict = createWebhookVerifier({ ...signed, toleranceSeconds: 30 });
    expect(strict({ headers: signedHeaders({ timestamp: TS - 31 }), body })).toMatchObject({ reason: 'stale_timestamp' });
  });

  it('reports a forged old request as bad_signature, not stale_timestamp', () => {
    const forged = { ...signedHeaders({ timestamp: TS - 3600 }), 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` };
    expect(verify({ headers: forged, body })).toMatchObject({ reason: 'bad_signature' });
  });

  it('rejects a non-numeric timestamp', () => {
    expect(verify({ headers: { ...signedHeaders(), 'webhook-timestamp': '2026-03-09T10:00:00Z' }, body })).toMatchObject({
      reason: 'bad_signature',
    });
  });

  it('accepts either of two signing tokens during rotation', () => {
    const rotating = createWebhookVerifier({ signingTokens: [OTHER_SIGNING, SIGNING], now: () => NOW });
    expect(rotating({ headers: signedHeaders(), body })).toEqual({ ok: true });
    expect(rotating({ headers: signedHeaders({ signingToken: OTHER_SIGNING }), body })).toEqual({ ok: true });
  });
});

describe('token and signature together', () => {
  const verify = createWebhookVerifier({ secretTokens: [SECRET], signingTokens: [SIGNING], now: () => NOW });

  it('requires both when both are configured', () => {
    expect(verify({ headers: signedHeaders({ token: SECRET }), body })).toEqual({ ok: true });
    expect(verify({ headers: signedHeaders(), body })).toMatchObject({ reason: 'bad_token' });
    const unsigned = { 'x-gitlab-token': SECRET };
    expect(verify({ headers: unsigned, body })).toMatchObject({ reason: 'bad_signature' });
  });
});

describe('limits and configuration', () => {
  it('rejects an oversized body before anything else', () => {
    const v = createWebhookVerifier({ ...tokenOnly, maxBodyBytes: 100 });
    expect(v({ headers: {}, body: new Uint8Array(101) })).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('refuses to build a verifier that checks nothing', () => {
    expect(() => createWebhookVerifier({})).toThrow(GitlabError);
    expect(() => createWebhookVerifier({ secretTokens: [] })).toThrow(/at least one/);
  });

  it('refuses empty secrets and malformed signing tokens without echoing them', () => {
    expect(() => createWebhookVerifier({ secretTokens: [''] })).toThrow(/must not be empty/);
    for (const bad of ['k'.repeat(44), 'whsec_not base64!', 'whsec_=', `whsec_${Buffer.from('short').toString('base64')}`]) {
      let error: unknown;
      try {
        createWebhookVerifier({ signingTokens: [bad] });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(GitlabError);
      expect((error as GitlabError).code).toBe('invalid_config');
      expect((error as GitlabError).message).not.toContain(bad);
    }
  });

  it('verifyWebhook is the one-shot form', () => {
    expect(verifyWebhook({ headers: { 'x-gitlab-token': SECRET }, body }, tokenOnly)).toEqual({ ok: true });
  });
});
