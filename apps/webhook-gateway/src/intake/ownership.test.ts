import { describe, expect, it } from 'vitest';
import { application } from '../fixtures/index.js';
import type { Credentials, SecretOwners } from '../webhook/auth.js';
import type { ProjectWebhookSecret } from '../webhook-secrets.js';
import { checkOwnership, type OwnershipInput } from './ownership.js';

const GLOBAL: SecretOwners = { global: true, secrets: [] };
const ofSecret = (...secrets: string[]): SecretOwners => ({ global: false, secrets });
const SECRETS: Record<string, ProjectWebhookSecret> = {
  'inventory-hook': { token: 'inv-token' },
  'billing-hook': { token: 'bill-token' },
  'signed-hook': { signingKey: 'whsec_x' },
  'both-hook': { token: 't', signingKey: 'whsec_y' },
};
const own = (secretName: string) => application('inventory', 'sluice-system', { webhook: { secretName } });

function check(overrides: Partial<OwnershipInput> & { credentials: Credentials }) {
  return checkOwnership({
    application: own('inventory-hook'),
    globalSigning: false,
    secret: (name) => SECRETS[name],
    secretsNamespace: 'sluice-webhooks',
    ...overrides,
  });
}

describe('checkOwnership: a project with its own webhook Secret', () => {
  it('accepts its own token', () => {
    expect(check({ credentials: { token: ofSecret('inventory-hook') } })).toEqual({ ok: true });
  });

  it("refuses another project's token as foreign_secret", () => {
    expect(check({ credentials: { token: ofSecret('billing-hook') } })).toMatchObject({ ok: false, reason: 'foreign_secret' });
  });

  it('refuses the global token once the project has its own', () => {
    expect(check({ credentials: { token: GLOBAL } })).toMatchObject({ ok: false, reason: 'foreign_secret' });
  });

  it('refuses everything when its Secret is missing or holds neither key, never falling back to the globals', () => {
    const verdict = check({ application: own('gone-hook'), credentials: { token: GLOBAL, signature: GLOBAL } });
    expect(verdict).toMatchObject({ ok: false, reason: 'foreign_secret' });
    expect(!verdict.ok && verdict.detail).toMatch(/Secret gone-hook in namespace sluice-webhooks, which does not exist/);
  });

  it('requires a signature by its own signingKey: unsigned is bad_signature, signed by another key foreign_secret', () => {
    const app = own('signed-hook');
    expect(check({ application: app, credentials: { token: GLOBAL, signature: ofSecret('signed-hook') } })).toEqual({ ok: true });
    expect(check({ application: app, credentials: { token: GLOBAL } })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(check({ application: app, credentials: { token: GLOBAL, signature: GLOBAL }, globalSigning: true })).toMatchObject({ ok: false, reason: 'foreign_secret' });
  });

  it('requires both its token and its signature when its Secret holds both', () => {
    const app = own('both-hook');
    expect(check({ application: app, credentials: { token: ofSecret('both-hook'), signature: ofSecret('both-hook') } })).toEqual({ ok: true });
    expect(check({ application: app, credentials: { token: GLOBAL, signature: ofSecret('both-hook') } })).toMatchObject({ reason: 'foreign_secret' });
  });
});

describe('checkOwnership: a project without its own Secret (migration)', () => {
  const app = application('inventory');

  it('accepts the global token', () => {
    expect(check({ application: app, credentials: { token: GLOBAL } })).toEqual({ ok: true });
  });

  it("refuses another project's token as foreign_secret", () => {
    expect(check({ application: app, credentials: { token: ofSecret('billing-hook') } })).toMatchObject({ ok: false, reason: 'foreign_secret' });
  });

  it("with global signing keys, refuses a signature by another project's key", () => {
    expect(check({ application: app, globalSigning: true, credentials: { token: GLOBAL, signature: GLOBAL } })).toEqual({ ok: true });
    expect(check({ application: app, globalSigning: true, credentials: { token: GLOBAL, signature: ofSecret('billing-hook') } })).toMatchObject({ reason: 'foreign_secret' });
  });

  it('holds a project with no Application (a branch deletion) to the global secrets', () => {
    expect(check({ application: undefined, credentials: { token: GLOBAL } })).toEqual({ ok: true });
    expect(check({ application: undefined, credentials: { token: ofSecret('billing-hook') } })).toMatchObject({ reason: 'foreign_secret' });
  });
});
