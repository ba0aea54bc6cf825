/**
 * Helpers for the gateway's `*.int.test.ts`, which run against the real
 * kube-apiserver the vitest global setup provides (`inject('kubeconfig')`).
 */
import type { KubeClient } from '@sluice/kube';
import { adminClient as sharedAdminClient } from '@sluice/local-cluster/testing';
import { createLogger } from '@sluice/service';
import { memoryTelemetry, type MemoryTelemetry } from '@sluice/telemetry/testing';
import { inject } from 'vitest';
import { createGateway, type Gateway } from '../gateway.js';
import { waitUntil } from './crds.testkit.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/** A client with the test cluster's admin credentials. */
export function adminClient(fieldManager = 'gateway-int-test'): KubeClient {
  return sharedAdminClient(inject('kubeconfig'), fieldManager);
}

export { createNamespace, deleteNamespace } from '@sluice/local-cluster/testing';

export { installCrds, waitUntil } from './crds.testkit.js';

/** A gateway wired as `main.ts` wires it, on the admin client, with in-memory telemetry, ready to take webhooks. */
export interface TestGateway {
  readonly gateway: Gateway;
  readonly telemetry: MemoryTelemetry;
  /** Stops the informers and the telemetry. */
  stop(): Promise<void>;
}

/** Starts a gateway for `namespace` with these global tokens and waits until it is ready. */
export async function startTestGateway(options: { readonly namespace: string; readonly secretTokens: readonly string[]; readonly webhookSecretsNamespace?: string; readonly service: string }): Promise<TestGateway> {
  // Real spans (valid trace ids) and metrics, kept in memory.
  const telemetry = memoryTelemetry();
  const gateway = createGateway({
    client: adminClient('sluice-webhook-gateway'),
    namespace: options.namespace,
    secrets: { secretTokens: options.secretTokens, signingTokens: [] },
    ...(options.webhookSecretsNamespace !== undefined && { webhookSecretsNamespace: options.webhookSecretsNamespace }),
    telemetry,
    logger: createLogger({ service: options.service, level: 'silent' }),
    publicUrl: 'https://sluice.example.test',
    maxBodyBytes: 1024 * 1024,
    toleranceSeconds: 300,
  });
  await waitUntil(async () => (await gateway.app.request('/readyz')).status === 200, 'the gateway to be ready');
  return {
    gateway,
    telemetry,
    stop: async () => {
      await gateway.shutdownHook.run();
      await telemetry.shutdown();
    },
  };
}
