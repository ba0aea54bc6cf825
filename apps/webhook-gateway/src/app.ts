import { healthRoutes, type Readiness } from '@sluice/service';
import { Hono } from 'hono';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { webhookHandler, type WebhookHandlerOptions } from './webhook/route.js';

/** Options of {@link createGatewayApp}. */
export interface GatewayAppOptions {
  readonly webhook: WebhookHandlerOptions;
  /** Behind `/readyz`. */
  readonly readiness: Readiness;
}

/**
 * The gateway's HTTP surface: `/healthz`, `/readyz`, and
 * `POST /webhooks/gitlab`. Every response carries `X-Request-Id`: the
 * caller's, when it is a plausible id (word characters, `-`, `=`; at most
 * 128), otherwise a fresh UUID.
 */
export function createGatewayApp(options: GatewayAppOptions): Hono<{ Variables: RequestIdVariables }> {
  const app = new Hono<{ Variables: RequestIdVariables }>();
  app.use(requestId({ limitLength: 128 }));
  app.route('/', healthRoutes({ readiness: options.readiness }));
  app.post('/webhooks/gitlab', webhookHandler(options.webhook));
  return app;
}
