import { signedWebhookHeaders, type SignOptions, type WebhookSecrets } from '@sluice/gitlab/testing';

export { newWebhookSecrets, type WebhookSecrets } from '@sluice/gitlab/testing';

/** The gateway's answer to one webhook. */
export interface WebhookAnswer {
  readonly status: number;
  readonly body: { readonly status?: string; readonly delivery?: string; readonly url?: string; readonly reason?: string; readonly detail?: string };
}

/** POSTs a signed webhook to the gateway's `/webhooks/gitlab`. */
export async function sendWebhook(gatewayUrl: string, payload: unknown, secrets: WebhookSecrets, options: SignOptions): Promise<WebhookAnswer> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${gatewayUrl}/webhooks/gitlab`, { method: 'POST', headers: signedWebhookHeaders(body, secrets, options), body });
  const text = await res.text();
  let parsed: WebhookAnswer['body'] = {};
  try {
    parsed = JSON.parse(text) as WebhookAnswer['body'];
  } catch {
    parsed = { detail: text.slice(0, 200) };
  }
  return { status: res.status, body: parsed };
}
