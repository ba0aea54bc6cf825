import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_GROUP_VERSION } from '@sluice/delivery';
import { signWebhookPayload } from '@sluice/gitlab';
import { freePort, startServiceProcess } from '@sluice/service/testing';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import { jsonAttributes, OtlpReceiver } from '@sluice/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { applicationObject, fakeSha, pushPayload } from './fixtures/index.js';
import { adminClient, createNamespace, deleteNamespace, installCrds, waitUntil } from './testing/cluster.testkit.js';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const SIGNING = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const admin = adminClient();
let namespace: string;

beforeAll(async () => {
  await installCrds(admin);
  namespace = await createNamespace(admin, 'gw-main');
  await admin.create(applicationObject('inventory', namespace));
});

afterAll(async () => {
  if (namespace) await deleteNamespace(admin, namespace);
});

describe('webhook-gateway process on a real cluster', () => {
  it('becomes ready, turns a signed push into a Delivery whose trace it exports, and drains on SIGTERM', async () => {
    const collector = await OtlpReceiver.start();
    const dir = await mkdtemp(join(tmpdir(), 'gateway-'));
    await writeFile(join(dir, 'token'), 'hook-token\n');
    await writeFile(join(dir, 'signing'), `${SIGNING}\n`);
    const service = await startServiceProcess({
      entry,
      env: {
        SLUICE_PORT: String(await freePort()),
        SLUICE_HOST: '127.0.0.1',
        SLUICE_WEBHOOK_TOKEN_FILES: join(dir, 'token'),
        SLUICE_WEBHOOK_SIGNING_KEY_FILES: join(dir, 'signing'),
        SLUICE_NAMESPACE: namespace,
        SLUICE_PUBLIC_URL: 'https://sluice.example.test',
        KUBECONFIG: inject('kubeconfig'),
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      },
    });
    try {
      await waitUntil(async () => (await service.get('/readyz')).status === 200, 'the gateway to be ready');
      const body = JSON.stringify(pushPayload('trunk', fakeSha('main-0'), fakeSha('main-1')));
      const timestamp = Math.floor(Date.now() / 1000);
      const res = await fetch(`http://127.0.0.1:${service.port}/webhooks/gitlab`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-gitlab-event': 'Push Hook',
          'x-gitlab-token': 'hook-token',
          'webhook-id': 'msg_main_1',
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhookPayload({ signingToken: SIGNING, webhookId: 'msg_main_1', timestamp, body }),
          'idempotency-key': 'msg_main_1',
        },
      });
      expect(res.status).toBe(202);
      const accepted = (await res.json()) as { delivery: string; url: string };
      expect(accepted.url).toBe(`https://sluice.example.test/deliveries/${accepted.delivery}`);
      const delivery = await admin.get({ apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace, name: accepted.delivery });
      expect(delivery).toBeDefined();

      const exit = await service.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(exit.stdout).not.toContain('hook-token');
      expect(exit.stdout).not.toContain(SIGNING);

      // Flushed on SIGTERM: the webhook's SERVER span is the one the Delivery names as its trace's parent.
      const spans = collector.jsonSpans();
      const root = spans.find((s) => s.span.name === 'POST /webhooks/gitlab');
      expect(root?.serviceName).toBe('webhook-gateway');
      expect(delivery?.metadata.annotations?.[TRACEPARENT_ANNOTATION]).toBe(`00-${root?.span.traceId}-${root?.span.spanId}-01`);
      expect(jsonAttributes(root?.span ?? { traceId: '', spanId: '', name: '' })).toMatchObject({ 'http.response.status_code': 202, 'cicd.pipeline.run.id': accepted.delivery });
      for (const child of ['webhook.verify', 'delivery.create']) expect(spans.find((s) => s.span.name === child)?.span.parentSpanId).toBe(root?.span.spanId);
      expect(collector.requests('/v1/metrics').map((r) => r.body.toString('utf8')).join('')).toContain('sluice.webhook.requests');
    } finally {
      service.kill();
      await collector.close();
    }
  }, 90_000);
});
