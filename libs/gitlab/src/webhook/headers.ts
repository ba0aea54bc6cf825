/**
 * Request headers as the caller has them: a fetch `Headers` (Hono,
 * `Request`) or a plain record such as Node's `IncomingHttpHeaders`. Lookups
 * are case-insensitive either way.
 */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Header names GitLab sends with every webhook delivery (see the facts file, "Delivery headers"). */
export const GITLAB_HEADERS = {
  event: 'x-gitlab-event',
  token: 'x-gitlab-token',
  instance: 'x-gitlab-instance',
  webhookUuid: 'x-gitlab-webhook-uuid',
  eventUuid: 'x-gitlab-event-uuid',
  idempotencyKey: 'idempotency-key',
  webhookId: 'webhook-id',
  webhookTimestamp: 'webhook-timestamp',
  webhookSignature: 'webhook-signature',
} as const;

/**
 * Returns the value of header `name`, or `undefined`. Repeated headers in a
 * record are joined with `, ` as fetch `Headers` would.
 */
export function getHeader(headers: HeaderSource, name: string): string | undefined {
  if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

function isFetchHeaders(headers: HeaderSource): headers is Headers {
  return typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function';
}

/** What a delivery says about itself, apart from authentication. */
export interface WebhookMetadata {
  /** `X-Gitlab-Event`, e.g. `Push Hook`. */
  readonly event: string | undefined;
  /** `Idempotency-Key`: stable across GitLab's retries of one delivery (GitLab ≥ 17.4). */
  readonly idempotencyKey: string | undefined;
  /** `X-Gitlab-Event-UUID`: one per triggering event. */
  readonly eventUuid: string | undefined;
  /** `X-Gitlab-Webhook-UUID`: new for every HTTP request, retries included. */
  readonly webhookUuid: string | undefined;
  /** `X-Gitlab-Instance`: base URL of the sending GitLab. */
  readonly instance: string | undefined;
}

/** Reads the non-secret delivery headers GitLab sends. Never returns the token. */
export function readWebhookMetadata(headers: HeaderSource): WebhookMetadata {
  return {
    event: getHeader(headers, GITLAB_HEADERS.event),
    idempotencyKey: getHeader(headers, GITLAB_HEADERS.idempotencyKey),
    eventUuid: getHeader(headers, GITLAB_HEADERS.eventUuid),
    webhookUuid: getHeader(headers, GITLAB_HEADERS.webhookUuid),
    instance: getHeader(headers, GITLAB_HEADERS.instance),
  };
}
