import { API_GROUP_VERSION } from '@sluice/delivery';
import type { KubeClient } from '@sluice/kube';
import { Readiness, type Logger, type Preflight, type ShutdownHook } from '@sluice/service';
import type { Telemetry } from '@sluice/telemetry';
import type { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import { createGatewayApp } from './app.js';
import { ApplicationStore, watchApplications } from './applications.js';
import type { WebhookSecrets } from './config.js';
import { DeliveryStore, summaryOf, watchDeliveries, type DeliveryIndex } from './deliveries.js';
import { applyPlan } from './intake/act.js';
import { createIntake } from './intake/intake.js';
import { deliveryEndRecorder } from './telemetry.js';
import type { GrafanaOptions } from './pages/links.js';
import { RunPageStore } from './pages/store.js';
import { createAuthenticator } from './webhook/auth.js';
import { createWebhookObserver } from './webhook/observe.js';
import { badTokenPreflight } from './webhook/preflight.js';
import { ReplayGuard } from './webhook/replay.js';
import { DEFAULT_WEBHOOK_SECRETS_NAMESPACE, WebhookSecretStore, watchWebhookSecrets } from './webhook-secrets.js';

/** Everything the gateway is built from; `main.ts` makes these from the config. */
export interface GatewayDeps {
  readonly client: KubeClient;
  /** Namespace of Applications and Deliveries. */
  readonly namespace: string;
  /** Global webhook secrets (`SLUICE_WEBHOOK_*_FILES`). */
  readonly secrets: WebhookSecrets;
  /** Namespace of the per-Application webhook Secrets. Default `sluice-webhooks`. */
  readonly webhookSecretsNamespace?: string;
  readonly telemetry: Pick<Telemetry, 'tracer' | 'meter'>;
  readonly logger: Logger;
  /** Base of run-page links, without a trailing slash. */
  readonly publicUrl: string;
  readonly maxBodyBytes: number;
  readonly toleranceSeconds: number;
  /** Where run pages link traces to (`SLUICE_GRAFANA_URL`); no Grafana links when absent. */
  readonly grafana?: GrafanaOptions | undefined;
}

/** A wired gateway: its HTTP app, its readiness, and what to stop on shutdown. */
export interface Gateway {
  readonly app: Hono<{ Variables: RequestIdVariables }>;
  readonly readiness: Readiness;
  /** The gateway's view of the Deliveries (its informer cache), for tests and diagnostics. */
  readonly deliveries: DeliveryIndex;
  /** Stops the informers (the caches stay readable). */
  readonly shutdownHook: ShutdownHook;
  /** Answers webhooks with a wrong token before the app (`runService`'s `preflight`). */
  readonly preflight: Preflight;
}

/**
 * Wires the gateway by hand: the Application, Delivery and webhook-Secret
 * caches (informers, started here; the run pages keep whole Deliveries from the same informer),
 * authentication, the intake, and the HTTP app. Ready only once the caches
 * have synced and the apiserver answers a live call.
 */
export function createGateway(deps: GatewayDeps): Gateway {
  const { client, namespace, logger } = deps;
  const secretsNamespace = deps.webhookSecretsNamespace ?? DEFAULT_WEBHOOK_SECRETS_NAMESPACE;
  const webhookSecrets = new WebhookSecretStore();
  // First, so a signing token in the wrong form fails start-up before any watch opens.
  const authenticator = createAuthenticator({
    secretTokens: deps.secrets.secretTokens,
    signingTokens: deps.secrets.signingTokens,
    projectSecrets: webhookSecrets,
    toleranceSeconds: deps.toleranceSeconds,
    maxBodyBytes: deps.maxBodyBytes,
  });
  const applications = new ApplicationStore();
  const deliveries = new DeliveryStore();
  const runPages = new RunPageStore();
  const applicationInformer = watchApplications(client, namespace, applications, logger);
  const deliveryInformer = watchDeliveries(client, namespace, deliveries, logger, runPages);
  const secretInformer = watchWebhookSecrets(client, secretsNamespace, webhookSecrets, logger);

  const probe = { apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name: 'readyz-probe' };
  const readiness = new Readiness()
    // A live call, not just the caches: a synced informer keeps its data when the apiserver goes away.
    .add('kubernetes', async () => (await client.get(probe), true))
    .add('applications', () => applicationInformer.hasSynced())
    .add('deliveries', () => deliveryInformer.hasSynced())
    // Until then a project with its own Secret would be refused as if the Secret were missing.
    .add('webhook-secrets', () => secretInformer.hasSynced());

  const onEnded = deliveryEndRecorder(deps.telemetry.meter);
  const observer = createWebhookObserver({ meter: deps.telemetry.meter });
  const app = createGatewayApp({
    readiness,
    webhook: {
      authenticator,
      intake: createIntake({
        applications,
        deliveries,
        namespace,
        webhookSecrets,
        webhookSecretsNamespace: secretsNamespace,
        globalSigning: authenticator.signingRequired,
        apply: (plan) => applyPlan(plan, { client, logger, onEnded }),
        // The watch brings it too, moments later; the next webhook of its line must see it now.
        onCreated: (delivery) => deliveries.upsert(summaryOf(delivery.metadata.name, delivery.spec)),
      }),
      observer,
      tracer: deps.telemetry.tracer,
      logger,
      publicUrl: deps.publicUrl,
      maxBodyBytes: deps.maxBodyBytes,
      toleranceSeconds: deps.toleranceSeconds,
      replay: new ReplayGuard(),
    },
    runPages: { source: runPages, publicUrl: deps.publicUrl, grafana: deps.grafana },
  });

  const shutdownHook: ShutdownHook = {
    name: 'informers',
    run: () => {
      applicationInformer.stop();
      deliveryInformer.stop();
      secretInformer.stop();
    },
  };
  return { app, readiness, deliveries, shutdownHook, preflight: badTokenPreflight({ authenticator, observer, logger }) };
}
