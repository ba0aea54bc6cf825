/** Plain Delivery and Application values for the unit tests (no cluster). */
import { API_GROUP_VERSION, parseApplication, type Application, type Commit, type Delivery, type DeliveryStatus, type Stage } from '@sluice/delivery';

/** A valid Delivery of `shop` on `main`, received at `receivedAt`, with `status` when given. */
export function delivery(o: { name?: string; app?: string; ref?: string; sha?: string; receivedAt?: string; refType?: 'branch' | 'tag'; status?: Partial<DeliveryStatus>; annotations?: Record<string, string>; commit?: Commit } = {}): Delivery {
  const sha = o.sha ?? '3f2a9c1e'.repeat(5);
  return {
    apiVersion: API_GROUP_VERSION,
    kind: 'Delivery',
    metadata: { name: o.name ?? 'main-3f2a9c1-0b7e41d2', namespace: 'sluice-system', ...(o.annotations && { annotations: o.annotations }) },
    spec: {
      application: o.app ?? 'shop',
      project: { id: 7, path: 'team/shop' },
      repositoryUrl: 'https://gitlab.example.com/team/shop.git',
      ref: o.ref ?? 'main',
      refType: o.refType ?? 'branch',
      before: '0'.repeat(40),
      after: sha,
      checkoutSha: sha,
      pusher: { name: 'Ada Lovelace', username: 'ada', email: 'ada@example.com' },
      idempotencyKey: 'k',
      receivedAt: o.receivedAt ?? '2030-01-01T10:00:00.000Z',
      ...(o.commit && { commit: o.commit }),
    },
    ...(o.status && { status: { phase: 'Pending', stages: [], posted: {}, ...o.status } }),
  };
}

/** A stage. */
export function stage(name: Stage['name'], state: Stage['state'], more: Partial<Stage> = {}): Stage {
  return { name, state, ...more };
}

/** A valid Application `shop` (production; staging when asked) with `annotations`. */
export function application(o: { staging?: boolean; annotations?: Record<string, string> } = {}): Application {
  const target = (env: string) => ({ namespace: 'shop', deploymentName: `shop-${env}`, serviceName: `shop-${env}` });
  const parsed = parseApplication({
    apiVersion: API_GROUP_VERSION,
    kind: 'Application',
    metadata: { name: 'shop', namespace: 'sluice-system', ...(o.annotations && { annotations: o.annotations }) },
    spec: {
      project: { id: 7, path: 'team/shop' },
      repositoryUrl: 'https://gitlab.example.com/team/shop.git',
      rules: [{ refs: 'main', environments: ['production'] }],
      test: { image: 'node:20', commands: ['npm test'] },
      build: { repository: 'registry.example.com/team/shop' },
      environments: { ...(o.staging && { staging: target('staging') }), production: target('production') },
    },
  });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}
