import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSignatureIndex, createTokenIndex, signingTokenProblem } from './match.js';
import { signWebhookPayload } from './sign.js';

const KEY_A = `whsec_${randomBytes(32).toString('base64')}`;
const KEY_B = `whsec_${randomBytes(32).toString('base64')}`;
const KEY_C = `whsec_${randomBytes(32).toString('base64')}`;
const NOW = new Date('2026-03-09T10:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);
const body = new TextEncoder().encode('{"object_kind":"push"}');

function signed(signingToken: string, timestamp = TS) {
  return {
    headers: {
      'webhook-id': 'msg-1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhookPayload({ signingToken, webhookId: 'msg-1', timestamp, body }),
    },
    body,
  };
}

describe('createTokenIndex', () => {
  it('says which secrets the token equals, every one of them when several are equal', () => {
    const index = createTokenIndex(['team-a', 'team-b', 'team-a']);
    expect(index('team-a')).toEqual([0, 2]);
    expect(index('team-b')).toEqual([1]);
  });

  it('matches nothing for an unknown or missing token', () => {
    const index = createTokenIndex(['team-a']);
    expect(index('team-c')).toEqual([]);
    expect(index(undefined)).toEqual([]);
  });

  it('matches nothing when there are no secrets, and refuses an empty secret', () => {
    expect(createTokenIndex([])('anything')).toEqual([]);
    expect(() => createTokenIndex(['\n'])).toThrow(/must not be empty/);
  });
});

describe('createSignatureIndex', () => {
  const index = createSignatureIndex([KEY_A, KEY_B], { toleranceSeconds: 300, now: () => NOW });

  it('says which signing token signed the request', () => {
    expect(index(signed(KEY_B))).toEqual({ ok: true, matched: [1] });
    expect(index(signed(KEY_A))).toEqual({ ok: true, matched: [0] });
  });

  it('refuses a signature by a key it does not hold as bad_signature', () => {
    expect(index(signed(KEY_C))).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses an authentic signature outside the timestamp window as stale_timestamp', () => {
    expect(index(signed(KEY_A, TS - 301))).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });

  it('refuses an unsigned request', () => {
    expect(index({ headers: {}, body })).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
});

describe('signingTokenProblem', () => {
  it('accepts a whsec_ token and explains what is wrong with anything else, without echoing it', () => {
    expect(signingTokenProblem(KEY_A)).toBeUndefined();
    const problem = signingTokenProblem('not-a-key-1234');
    expect(problem).toMatch(/whsec_/);
    expect(problem).not.toContain('not-a-key-1234');
  });
});
