import { runPagePath } from '@sluice/delivery';
import { getHeader, GITLAB_HEADERS } from '@sluice/gitlab';
import { isKubeError } from '@sluice/kube';
import { deliveryLogger, type Logger } from '@sluice/service';
import { ATTR, contextWithSpan, startSpan, type Telemetry } from '@sluice/telemetry';
import type { Context } from 'hono';
import type { RequestIdVariables } from 'hono/request-id';
import type { IntakeOutcome } from '../intake/act.js';
import type { Intake } from '../intake/intake.js';
import { endFailed, recordTrace } from '../trace.js';
import { reject, type AnswerVariables } from './answer.js';
import { NO_OWNERS, type CredentialVariables } from './auth.js';
import type { CappedBodyVariables } from './capped-body.js';
import { endVerification, type SpanVariables } from './spans.js';

/** Options of {@link intakeHandler}. */
export interface IntakeHandlerOptions {
  readonly intake: Intake;
  readonly tracer: Telemetry['tracer'];
  readonly logger: Logger;
  /** Base of run-page links: `<publicUrl>/deliveries/<name>`. */
  readonly publicUrl: string;
}

type Verified = RequestIdVariables & AnswerVariables & CappedBodyVariables & SpanVariables & CredentialVariables;

// Stateless when not streaming, so one serves every request; `fatal`: invalid UTF-8 is malformed, not replaced.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Last step of the webhook, once it is verified: parses the JSON (400
 * `malformed`) and hands it to the intake inside the span `delivery.create`:
 * 401 `foreign_secret` when the secret that authenticated it is not its
 * project's own (nothing is created), 202 `accepted` once the Delivery exists, 200 `duplicate`, 200 `ignored`
 * with a reason (never 4xx, so GitLab keeps the hook on), 400 `malformed` for
 * bad SHAs and refs; a Kubernetes failure answers 503 and acknowledges nothing.
 */
export function intakeHandler(options: IntakeHandlerOptions): (c: Context<{ Variables: Verified }>) => Promise<Response> {
  const { intake, tracer, logger } = options;
  const runPage = (name: string) => runPagePath(options.publicUrl, name);

  return async (c) => {
    endVerification(c);
    // A child logger costs more than the rest of a request: made only when something is logged.
    let child: Logger | undefined;
    const log = (): Logger => (child ??= logger.child({ requestId: c.get('requestId') }));

    let json: unknown;
    try {
      json = JSON.parse(UTF8.decode(c.get('body')));
    } catch {
      return reject(c, 'malformed', 'body is not valid UTF-8 JSON');
    }

    const headers = c.req.raw.headers;
    const event = getHeader(headers, GITLAB_HEADERS.event);
    const span = c.get('webhookSpan');
    span.setAttribute('sluice.webhook.event', event ?? '');
    let outcome: IntakeOutcome;
    const creating = startSpan(tracer, 'delivery.create', { attributes: { 'sluice.webhook.event': event ?? '' } }, contextWithSpan(span));
    try {
      outcome = await intake({
        event,
        json,
        idempotencyKey: getHeader(headers, GITLAB_HEADERS.idempotencyKey) ?? getHeader(headers, GITLAB_HEADERS.webhookId),
        requestId: c.get('requestId'),
        trace: recordTrace(span),
        credentials: c.get('credentials') ?? { token: NO_OWNERS },
      });
    } catch (error) {
      const unavailable = isKubeError(error);
      log().error({ err: error }, 'webhook failed before a Delivery could be recorded');
      const errorType = unavailable ? `kube.${(error as { code: string }).code}` : 'InternalError';
      endFailed(creating, errorType);
      c.set('webhookAnswer', { outcome: 'error', errorType });
      return c.json({ status: 'error', reason: unavailable ? 'unavailable' : 'internal' }, unavailable ? 503 : 500);
    }

    const delivery = 'delivery' in outcome ? outcome.delivery : undefined;
    creating.setAttribute(ATTR.webhookOutcome, outcome.status);
    if (delivery !== undefined) creating.setAttribute(ATTR.pipelineRunId, delivery);
    if (outcome.status === 'rejected') {
      endFailed(creating, outcome.reason);
      return reject(c, outcome.reason, outcome.detail);
    }
    creating.end();
    switch (outcome.status) {
      case 'accepted':
        c.set('webhookAnswer', { outcome: 'accepted', delivery: outcome.delivery });
        if (logger.isLevelEnabled('info')) deliveryLogger(log(), { deliveryId: outcome.delivery }).info({ event, superseded: outcome.superseded, supersedeRequested: outcome.supersedeRequested }, 'webhook accepted');
        return c.json(
          { status: 'accepted', delivery: outcome.delivery, url: runPage(outcome.delivery), superseded: outcome.superseded, supersedeRequested: outcome.supersedeRequested },
          202,
        );
      case 'duplicate':
        c.set('webhookAnswer', { outcome: 'duplicate', delivery: outcome.delivery });
        if (logger.isLevelEnabled('info')) deliveryLogger(log(), { deliveryId: outcome.delivery }).info({ event }, 'webhook duplicate');
        return c.json({ status: 'duplicate', delivery: outcome.delivery, url: runPage(outcome.delivery) }, 200);
      case 'ignored':
        c.set('webhookAnswer', { outcome: 'ignored', reason: outcome.reason });
        log().info({ event, reason: outcome.reason, detail: outcome.detail, canceled: outcome.canceled, cancelRequested: outcome.cancelRequested }, 'webhook ignored');
        return c.json(
          {
            status: 'ignored',
            reason: outcome.reason,
            detail: outcome.detail,
            ...(outcome.canceled && { canceled: outcome.canceled }),
            ...(outcome.cancelRequested?.length && { cancelRequested: outcome.cancelRequested }),
          },
          200,
        );
    }
  };
}
