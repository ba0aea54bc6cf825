import { healthRoutes, type Readiness } from '@sluice/service';
import { Hono } from 'hono';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { runPageRoutes, type RunPageRoutesOptions } from './pages/routes.js';
import { webhookRoutes, type WebhookRouteOptions } from './webhook/route.js';

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
  app.use(requestId({ limitLength: 128 }));
  app.route('/', healthRoutes({ readiness: options.readiness }));
  app.route('/', webhookRoutes(options.webhook));
  if (options.runPages) app.route('/', runPageRoutes(options.runPages));
  return app;
}
