import { randomUUID } from 'node:crypto';
import { healthRoutes, type Readiness } from '@sluice/service';
import { Hono } from 'hono';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { runPageRoutes, type RunPageRoutesOptions } from './pages/routes.js';
import { webhookRoutes, type WebhookRouteOptions } from './webhook/route.js';

/** Longest caller-given `X-Request-Id` kept; see {@link createGatewayApp}. */
export const REQUEST_ID_MAX_LENGTH = 128;

/** The caller's `X-Request-Id` when it is plausible (word characters, `-`, `=`; at most {@link REQUEST_ID_MAX_LENGTH}), else a fresh UUID: Hono's `requestId` rule, for answers given before the app. */
export function requestIdFor(given: string | undefined): string {
  return given && given.length <= REQUEST_ID_MAX_LENGTH && !/[^\w\-=]/.test(given) ? given : randomUUID();
}

/** Options of {@link createGatewayApp}. */
export interface GatewayAppOptions {
  readonly webhook: WebhookRouteOptions;
  /** Behind `/readyz`. */
  readonly readiness: Readiness;
  /** The run pages (`/`, `/deliveries`, `/deliveries/:name`); left out when not given. */
  readonly runPages?: RunPageRoutesOptions;
}

/**
 * The gateway's HTTP surface: `/healthz`, `/readyz`, `POST /webhooks/gitlab`,
 * and the read-only run pages. Every response carries `X-Request-Id`: the
 * caller's, when it is a plausible id (word characters, `-`, `=`; at most
 * 128), otherwise a fresh UUID.
 */
export function createGatewayApp(options: GatewayAppOptions): Hono<{ Variables: RequestIdVariables }> {
  const app = new Hono<{ Variables: RequestIdVariables }>();
  app.use(requestId({ limitLength: REQUEST_ID_MAX_LENGTH }));
  app.route('/', healthRoutes({ readiness: options.readiness }));
  app.route('/', webhookRoutes(options.webhook));
  if (options.runPages) app.route('/', runPageRoutes(options.runPages));
  return app;
}
