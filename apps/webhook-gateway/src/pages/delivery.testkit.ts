/**
 * Deliveries for the run-page tests, shaped as the gateway creates them
 * (spec, labels, annotations) for the fixture project. Test-only.
 */
import { API_GROUP_VERSION, deliveryName, parseDelivery, type Delivery, type DeliverySpec, type DeliveryStatus, type EnvironmentName } from '@sluice/delivery';
import { fakeSha, FIXTURE_PROJECT } from '../fixtures/index.js';

/** What a test may set; everything else has a plausible value. */
export interface DeliveryInput {
  readonly ref?: string;
  readonly sha?: string;
  readonly application?: string;
  readonly receivedAt?: string;
  readonly title?: string;
  readonly environments?: readonly EnvironmentName[];
  readonly traceparent?: string;
  readonly spec?: Partial<DeliverySpec>;
  readonly status?: Partial<DeliveryStatus>;
}

/** A fixed trace of the fixture Deliveries. */
export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** The Delivery object as the cluster would hold it (status only when given). */
export function deliveryObject(namespace: string, input: DeliveryInput = {}) {
  const ref = input.ref ?? 'trunk';
  const sha = input.sha ?? fakeSha(`${ref}-${input.receivedAt ?? ''}-${input.title ?? ''}`);
  const name = deliveryName({ project: FIXTURE_PROJECT.id, ref: `refs/heads/${ref}`, sha });
  const projectUrl = `https://gitlab.example.test/${FIXTURE_PROJECT.path}`;
  const spec: DeliverySpec = {
    application: input.application ?? 'inventory',
    project: { ...FIXTURE_PROJECT },
    repositoryUrl: `${projectUrl}.git`,
    ref,
    refType: 'branch',
    before: fakeSha(`${sha}-parent`),
    after: sha,
    checkoutSha: sha,
    pusher: { name: 'Lin Haruki', username: 'lharuki' },
    idempotencyKey: `key-${name}`,
    receivedAt: input.receivedAt ?? '2026-04-02T08:00:00.000Z',
    projectUrl,
    commit: { title: input.title ?? 'Adjust reservation timeout', authorName: 'Lin Haruki', url: `${projectUrl}/-/commit/${sha}` },
    environments: [...(input.environments ?? ['staging', 'production'])],
    ...input.spec,
  };
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Delivery' as const,
    metadata: {
      name,
      namespace,
      annotations: {
        'sluice.dev/traceparent': input.traceparent ?? `00-${TRACE_ID}-b7ad6b7169203331-01`,
      },
    },
    spec,
    ...(input.status && { status: { phase: 'Pending' as const, stages: [], posted: {}, ...input.status } }),
  };
}

/** The same Delivery, parsed as the run pages hold it. */
export function delivery(input: DeliveryInput = {}): Delivery {
  const parsed = parseDelivery(deliveryObject('sluice-system', input));
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
