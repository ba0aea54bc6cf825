/**
 * Delivery objects for the notifier's tests and benchmark, shaped as the
 * gateway creates them (no status; planned environments in an annotation).
 */
import { createHash } from 'node:crypto';
import { API_GROUP_VERSION, type Delivery, type EnvironmentName, type MergeRequest } from '@sluice/delivery';
import { ENVIRONMENTS_ANNOTATION } from '../decide/desired.js';

/** A deterministic 40-hex SHA for `seed`. */
export function fakeSha(seed: string | number): string {
  return createHash('sha1').update(String(seed)).digest('hex');
}

/** Input of {@link deliveryObject}. */
export interface DeliveryInput {
  readonly name: string;
  readonly namespace: string;
  readonly sha: string;
  readonly project?: { readonly id: number; readonly path: string };
  readonly ref?: string;
  readonly environments?: readonly EnvironmentName[];
  readonly mergeRequest?: MergeRequest;
}

/** A Delivery as the gateway writes it. */
export function deliveryObject(input: DeliveryInput): Delivery {
  const project = input.project ?? { id: 7781, path: 'platform/inventory-svc' };
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Delivery',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      annotations: { [ENVIRONMENTS_ANNOTATION]: (input.environments ?? ['staging', 'production']).join(',') },
    },
    spec: {
      application: 'inventory',
      project,
      repositoryUrl: `https://gitlab.example.test/${project.path}.git`,
      ref: input.ref ?? 'main',
      refType: 'branch',
      before: fakeSha(`${input.sha}-before`),
      after: input.sha,
      checkoutSha: input.sha,
      pusher: { name: 'Ada', username: 'ada' },
      idempotencyKey: `key-${input.name}`,
      receivedAt: '2025-01-31T12:00:00.000Z',
      ...(input.mergeRequest !== undefined ? { mergeRequest: input.mergeRequest } : {}),
    },
  };
}
