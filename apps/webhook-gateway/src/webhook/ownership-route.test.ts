import { createLogger, Readiness } from '@sluice/service';
import { startTelemetry, type Telemetry } from '@sluice/telemetry';
import { describe, expect, it } from 'vitest';
import { ApplicationStore } from '../applications.js';
import { createGatewayApp } from '../app.js';
import { DeliveryStore } from '../deliveries.js';
import { application, fakeSha, pushPayload } from '../fixtures/index.js';
import type { IntakeOutcome } from '../intake/act.js';
import { createIntake } from '../intake/intake.js';
import type { IntakePlan } from '../intake/plan.js';
import { WebhookSecretStore } from '../webhook-secrets.js';
import { createAuthenticator } from './auth.js';
import { createWebhookObserver } from './observe.js';

const telemetry = startTelemetry({ serviceName: 'gateway-test', serviceVersion: '0', env: {} });
const logger = createLogger({ service: 'gateway-test', level: 'silent' });
const OTHER_PROJECT = { id: 9100, path: 'billing/api' };

/** The whole webhook route in process: inventory (7781) with its own Secret, billing (9100) with another, plans recorded instead of applied. */
function harness() {
  const secrets = new WebhookSecretStore();
  secrets.set('inventory-hook', { token: 'inventory-token' });
  secrets.set('billing-hook', { token: 'billing-token' });
  const applications = new ApplicationStore();
  applications.upsert(application('inventory', 'sluice-system', { webhook: { secretName: 'inventory-hook' } }));
  applications.upsert(application('billing', 'sluice-system', { project: OTHER_PROJECT, webhook: { secretName: 'billing-hook' } }));
  const plans: IntakePlan[] = [];
  const rejections = new Map<string, number>();
  const meter = {
    createCounter: (name: string) => ({
      add: (value: number, attrs: Record<string, unknown> = {}) => {
        if (name === 'sluice.webhook.rejections') rejections.set(String(attrs['error.type']), (rejections.get(String(attrs['error.type'])) ?? 0) + value);
      },
    }),
    createHistogram: () => ({ record: () => undefined }),
    createUpDownCounter: () => ({ add: () => undefined }),
  } as unknown as Telemetry['meter'];
  const apply = async (plan: IntakePlan): Promise<IntakeOutcome> => {
    plans.push(plan);
    if (plan.action === 'create') return { status: 'accepted', delivery: plan.delivery.metadata.name, superseded: [], supersedeRequested: [] };
    if (plan.action === 'ignore') return { status: 'ignored', reason: plan.reason, detail: plan.detail };
    throw new Error(`unexpected plan ${plan.action}`);
  };
  const app = createGatewayApp({
    readiness: new Readiness(),
    webhook: {
      authenticator: createAuthenticator({ secretTokens: ['global-token'], projectSecrets: secrets, toleranceSeconds: 300, maxBodyBytes: 65_536 }),
      intake: createIntake({ applications, deliveries: new DeliveryStore(), namespace: 'sluice-system', webhookSecrets: secrets, apply }),
      observer: createWebhookObserver({ meter }),
      tracer: telemetry.tracer,
      logger,
      publicUrl: 'https://sluice.example.test',
      maxBodyBytes: 65_536,
      toleranceSeconds: 300,
    },
  });
  const push = (token: string, seed: string) =>
    Promise.resolve(
      app.request('/webhooks/gitlab', {
        method: 'POST',
        body: JSON.stringify(pushPayload('trunk', fakeSha(`${seed}-parent`), fakeSha(seed))),
        headers: { 'content-type': 'application/json', 'x-gitlab-token': token, 'x-gitlab-event': 'Push Hook' },
      }),
    );
  return { push, plans, rejections, applications };
}

describe('POST /webhooks/gitlab: each project verified by its own secret', () => {
  it("refuses a push to inventory carrying billing's token: 401 foreign_secret, counted, nothing planned", async () => {
    const h = harness();
    const response = await h.push('billing-token', 'foreign');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ status: 'rejected', reason: 'foreign_secret' });
    expect(h.rejections.get('foreign_secret')).toBe(1);
    expect(h.plans).toEqual([]);
  });

  it("accepts inventory's own token, and no longer the global one", async () => {
    const h = harness();
    expect((await h.push('inventory-token', 'own')).status).toBe(202);
    const global = await h.push('global-token', 'global');
    expect(global.status).toBe(401);
    expect(await global.json()).toMatchObject({ reason: 'foreign_secret' });
    expect(h.plans).toHaveLength(1);
  });

  it('ignores a push to a project two Applications claim, naming them, and plans nothing', async () => {
    const h = harness();
    h.applications.upsert(application('inventory-copy', 'sluice-system', { webhook: { secretName: 'inventory-hook' } }));
    const response = await h.push('inventory-token', 'ambiguous');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { reason: string; detail: string };
    expect(body.reason).toBe('ambiguous_application');
    expect(body.detail).toContain('inventory, inventory-copy');
    expect(h.plans).toEqual([]);
  });
});
