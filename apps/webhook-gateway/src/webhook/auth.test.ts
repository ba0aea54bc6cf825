import { randomBytes } from 'node:crypto';
import { signWebhookPayload } from '@sluice/gitlab';
import { describe, expect, it } from 'vitest';
import { WebhookSecretStore } from '../webhook-secrets.js';
import { createAuthenticator } from './auth.js';

const GLOBAL_SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const INVENTORY_SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const NOW = new Date('2026-04-02T09:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);
const BODY = new TextEncoder().encode('{"object_kind":"push"}');

function signedBy(signingToken: string): Headers {
  return new Headers({
    'webhook-id': 'msg-1',
    'webhook-timestamp': String(TS),
    'webhook-signature': signWebhookPayload({ signingToken, webhookId: 'msg-1', timestamp: TS, body: BODY }),
  });
}

function setup(globalSigning: string[] = []) {
  const secrets = new WebhookSecretStore();
  secrets.set('inventory-hook', { token: 'inventory-token', signingKey: INVENTORY_SIGNING });
  secrets.set('billing-hook', { token: 'billing-token' });
  const auth = createAuthenticator({ secretTokens: ['global-token'], signingTokens: globalSigning, projectSecrets: secrets, toleranceSeconds: 300, maxBodyBytes: 1024, now: () => NOW });
  return { auth, secrets };
}

describe('createAuthenticator with per-Application Secrets', () => {
  it('accepts a global or any Application\'s token from the headers, and says whose it is', () => {
    const { auth } = setup();
    expect(auth.checkToken(new Headers({ 'x-gitlab-token': 'global-token' }))).toEqual({ ok: true, owners: { global: true, secrets: [] } });
    expect(auth.checkToken(new Headers({ 'x-gitlab-token': 'billing-token' }))).toEqual({ ok: true, owners: { global: false, secrets: ['billing-hook'] } });
    expect(auth.checkToken(new Headers({ 'x-gitlab-token': 'nobody' }))).toMatchObject({ ok: false, reason: 'bad_token' });
  });

  it('follows the Secrets as they change: a removed Secret\'s token no longer passes', () => {
    const { auth, secrets } = setup();
    secrets.remove('billing-hook');
    expect(auth.checkToken(new Headers({ 'x-gitlab-token': 'billing-token' }))).toMatchObject({ ok: false, reason: 'bad_token' });
    secrets.set('shop-hook', { token: 'shop-token' });
    expect(auth.checkToken(new Headers({ 'x-gitlab-token': 'shop-token' }))).toMatchObject({ ok: true, owners: { secrets: ['shop-hook'] } });
  });

  it("says which Application's key signed a request, and lets an unsigned one through while no global key requires it", () => {
    const { auth } = setup();
    expect(auth.checkSignature(signedBy(INVENTORY_SIGNING), BODY)).toEqual({ ok: true, owners: { global: false, secrets: ['inventory-hook'] } });
    expect(auth.checkSignature(new Headers(), BODY)).toEqual({ ok: true, owners: undefined });
    expect(auth.signingRequired).toBe(false);
  });

  it('requires every request to be signed, by a global or an Application key, once global signing keys are configured', () => {
    const { auth } = setup([GLOBAL_SIGNING]);
    expect(auth.signingRequired).toBe(true);
    expect(auth.checkSignature(new Headers(), BODY)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(auth.checkSignature(signedBy(GLOBAL_SIGNING), BODY)).toEqual({ ok: true, owners: { global: true, secrets: [] } });
    expect(auth.checkSignature(signedBy(INVENTORY_SIGNING), BODY)).toEqual({ ok: true, owners: { global: false, secrets: ['inventory-hook'] } });
    expect(auth.checkSignature(signedBy(`whsec_${randomBytes(32).toString('base64')}`), BODY)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
});
