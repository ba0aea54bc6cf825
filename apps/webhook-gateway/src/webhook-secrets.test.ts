import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readWebhookSecret, WebhookSecretStore } from './webhook-secrets.js';

const SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const secret = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'inventory-hook' }, data });

describe('readWebhookSecret', () => {
  it('reads the token and the signing key, without a trailing newline', () => {
    expect(readWebhookSecret(secret({ token: b64('t0ken\n'), signingKey: b64(SIGNING) }))).toEqual({ secret: { token: 't0ken', signingKey: SIGNING }, problems: [] });
  });

  it('drops a signing key that is not whsec_ and says why, never echoing it', () => {
    const read = readWebhookSecret(secret({ token: b64('t0ken'), signingKey: b64('hunter2-not-a-key') }));
    expect(read.secret).toEqual({ token: 't0ken' });
    expect(read.problems.join(' ')).toMatch(/signingKey/);
    expect(read.problems.join(' ')).not.toContain('hunter2');
  });

  it('reports a Secret with neither key', () => {
    expect(readWebhookSecret(secret({ other: b64('x') }))).toEqual({ secret: {}, problems: ['holds neither "token" nor "signingKey"'] });
  });
});

describe('WebhookSecretStore', () => {
  it('forgets a Secret that lost both keys, and changes version on every change', () => {
    const store = new WebhookSecretStore();
    store.set('a', { token: 't' });
    const v = store.version();
    store.set('a', {});
    expect(store.get('a')).toBeUndefined();
    expect(store.version()).toBeGreaterThan(v);
  });
});
