/**
 * Helpers for the notifier's `*.int.test.ts`, which run against the real
 * kube-apiserver the vitest global setup provides (`inject('kubeconfig')`),
 * and drive Delivery status themselves, as the runner and deployer would.
 */
import { API_GROUP_VERSION, type Delivery, type DeliveryStatus } from '@sluice/delivery';
import type { KubeClient } from '@sluice/kube';
import { createLogger, type Logger } from '@sluice/service';
import { adminClient as sharedAdminClient } from '@sluice/local-cluster/testing';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/** A client with the test cluster's admin credentials. */
export function adminClient(fieldManager = 'notifier-int-test'): KubeClient {
  return sharedAdminClient(inject('kubeconfig'), fieldManager);
}

export { createNamespace, deleteNamespace } from '@sluice/local-cluster/testing';

/** A quiet logger for tests (`SLUICE_TEST_LOG=debug` to see it). */
export function testLogger(): Logger {
  return createLogger({ service: 'notifier-test', level: (process.env['SLUICE_TEST_LOG'] as 'debug' | undefined) ?? 'silent' });
}

export { installCrds, waitUntil } from './crds.testkit.js';
export { deliveryObject, fakeSha } from '../testing/delivery.testkit.js';
export { StatusDriver } from './driver.testkit.js';
export type { Delivery, DeliveryStatus };
export const DELIVERY_API_VERSION = API_GROUP_VERSION;
