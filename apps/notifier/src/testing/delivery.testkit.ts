/**
 * Delivery objects for the notifier's tests and benchmark, shaped as the
 * gateway creates them (no status; planned environments in the spec).
 */
import { createHash } from 'node:crypto';
import { API_GROUP_VERSION, type Delivery, type EnvironmentName, type MergeRequest } from '@sluice/delivery';

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
    metadata: { name: input.name, namespace: input.namespace },
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
      environments: [...(input.environments ?? ['staging', 'production'])],
      ...(input.mergeRequest !== undefined ? { mergeRequest: input.mergeRequest } : {}),
    },
  };
}
