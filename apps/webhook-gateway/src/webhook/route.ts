import type { Logger } from '@sluice/service';
import type { Telemetry } from '@sluice/telemetry';
import { Hono } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { Intake } from '../intake/intake.js';
import type { Authenticator } from './auth.js';
import { cappedBody } from './capped-body.js';
import { intakeHandler } from './intake-handler.js';
import { jsonMediaType } from './media-type.js';
import { observeWebhook, type WebhookObserver } from './observe.js';
import type { ReplayGuard } from './replay.js';
import { webhookSignature } from './signature.js';
import { webhookSpans } from './spans.js';
import { gitlabToken } from './token.js';

/** The webhook endpoint's path. */
export const WEBHOOK_PATH = '/webhooks/gitlab';

/** Options of {@link webhookRoutes}. */
export interface WebhookRouteOptions {
  readonly authenticator: Authenticator;
  readonly intake: Intake;
  readonly observer: WebhookObserver;
  readonly tracer: Telemetry['tracer'];
  readonly logger: Logger;
  /** Base of run-page links: `<publicUrl>/deliveries/<name>`. */
  readonly publicUrl: string;
  /** Largest body read, in bytes. */
  readonly maxBodyBytes: number;
  /** Accepted `webhook-timestamp` skew; signed ids are remembered this long past their timestamp. */
  readonly toleranceSeconds: number;
  /** Refuses a signed message seen before; consulted only when signatures are verified. */
  readonly replay?: ReplayGuard;
}

/**
 * `POST /webhooks/gitlab`, one Hono middleware per step, in this order, each
 * refusing with a reason from the closed webhook set:
 *
 * 1. `observeWebhook`: records whatever a later step answers (metrics,
 *    rejection log, span status) — the one place rejections are counted;
 * 2. `gitlabToken`: `X-Gitlab-Token` against every global and
 *    per-Application secret (constant time), from the headers alone → 401
 *    `bad_token`; whose secret it is goes on in `credentials`;
 * 3. `webhookSpans`: authenticated from here on, so only these requests are
 *    traced — the SERVER span `POST /webhooks/gitlab` from the request's
 *    arrival, root of the Delivery's trace, and its child `webhook.verify`
 *    (steps 4–6; ERROR with the rejection reason);
 * 4. `jsonMediaType`: `Content-Type: application/json` → 415 `unsupported_media_type`;
 * 5. `cappedBody`: the body, read up to the cap while streaming → 413 `too_large`;
 * 6. `webhookSignature`: the Standard Webhooks signature over the raw bytes
 *    (required when global signing keys are configured) and the timestamp
 *    window → 401 `bad_signature` / `stale_timestamp`, then the `webhook-id`
 *    not seen before → 409 `replay`; whose key signed it joins `credentials`;
 * 7. `intakeHandler`: only now the JSON is parsed → 400 `malformed`, and the
 *    intake runs in the span `delivery.create`: the project's Application
 *    must accept the credentials (`intake/ownership.ts`) → 401
 *    `foreign_secret`; then 202 `accepted`, 200 `duplicate` / `ignored`, 503
 *    when Kubernetes failed.
 *
 * Steps pass what they established through typed context variables
 * (`arrivedAtMs`, `credentials`, `webhookSpan`, `body`, `webhookAnswer`).
 */
export function webhookRoutes(options: WebhookRouteOptions): Hono<{ Variables: RequestIdVariables }> {
  const { authenticator } = options;
  return new Hono<{ Variables: RequestIdVariables }>().post(
    WEBHOOK_PATH,
    observeWebhook({ observer: options.observer, logger: options.logger }),
    gitlabToken({ authenticator }),
    webhookSpans({ tracer: options.tracer, signed: authenticator.signingRequired }),
    jsonMediaType(),
    cappedBody({ maxBytes: options.maxBodyBytes }),
    webhookSignature({ authenticator, replay: options.replay, toleranceSeconds: options.toleranceSeconds }),
    intakeHandler({ intake: options.intake, tracer: options.tracer, logger: options.logger, publicUrl: options.publicUrl }),
  );
}
