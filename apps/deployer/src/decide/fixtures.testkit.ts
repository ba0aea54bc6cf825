/** Plain-data fixtures for the pure decide tests. */
import { ANNOTATIONS, ApplicationSchema, DeliverySchema, REVISION_LABEL, type DeliveryStatus, type EnvironmentName } from '@sluice/delivery';
import type { Color } from '@sluice/manifests';
import { applicationObject, sha } from '../testing/deployer.testkit.js';
import type { DeploymentObject, EnvironmentFacts, ParsedDelivery, PodObject, ServiceObject } from './facts.js';

export const NOW = Date.parse('2026-01-01T12:00:00.000Z');
export const OLD = sha('good', 1);
export const NEW = sha('good', 2);

export const application = ApplicationSchema.parse(applicationObject({ namespace: 'sys', name: 'shop', targetNamespace: 'prod', bakeSeconds: 10 }));

export function delivery(commit: string, stage: Partial<DeliveryStatus['stages'][number]> = {}, phase: DeliveryStatus['phase'] = 'Building'): ParsedDelivery {
  return DeliverySchema.parse({
    apiVersion: 'sluice.dev/v1alpha1',
    kind: 'Delivery',
    metadata: { name: `d-${commit.slice(0, 8)}`, namespace: 'sys' },
    spec: {
      application: 'shop',
      project: { id: 1, path: 'team/shop' },
      repositoryUrl: 'https://gitlab.example.com/team/shop.git',
      ref: 'main',
      refType: 'branch',
      before: '0'.repeat(40),
      after: commit,
      checkoutSha: commit,
      pusher: { name: 'Dev' },
      idempotencyKey: `k-${commit}`,
      receivedAt: '2026-01-01T11:00:00.000Z',
    },
    status: {
      phase,
      image: `registry.example.com/team/shop@sha256:${commit.padEnd(64, '0')}`,
      stages: [
        { name: 'test', state: 'succeeded' },
        { name: 'build', state: 'succeeded' },
        { name: 'deploy', environment: 'production', state: 'pending', ...stage },
      ],
    },
  }) as ParsedDelivery;
}

export function deployment(color: Color, revision: string, status: DeploymentObject['status'] = {}, replicas = 2): DeploymentObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `shop-production-${color}`, namespace: 'prod', generation: 1, annotations: { [ANNOTATIONS.revision]: revision, [ANNOTATIONS.scaleDownAt]: '' } },
    spec: { replicas },
    status: { observedGeneration: 1, ...status },
  };
}

export const available = { replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };

export function pod(name: string, color: Color, revision: string, opts: { ready?: boolean; restarts?: number; waiting?: string; ip?: string } = {}): PodObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'prod', labels: { app: 'shop-production', color, [REVISION_LABEL]: revision } },
    status: {
      phase: 'Running',
      podIP: opts.ip ?? '127.1.0.9',
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
      containerStatuses: [
        {
          name: 'shop-production',
          ready: opts.ready !== false,
          restartCount: opts.restarts ?? 0,
          state: opts.waiting ? { waiting: { reason: opts.waiting } } : { running: {} },
        },
      ],
    },
  };
}

export function service(color: Color, annotations: Record<string, string>): ServiceObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop-production', namespace: 'prod', annotations }, spec: { selector: { app: 'shop-production', color } } };
}

export function facts(parts: Partial<Pick<EnvironmentFacts, 'service' | 'deployments' | 'pods'>> & { now?: number; environment?: EnvironmentName } = {}): EnvironmentFacts {
  const environment = parts.environment ?? 'production';
  return {
    application,
    environment,
    target: application.spec.environments.production,
    order: ['production'],
    service: parts.service,
    deployments: parts.deployments ?? {},
    pods: parts.pods ?? [],
    now: parts.now ?? NOW,
  };
}

export const options = { minReadySeconds: 1, failedScaleDownDelayMs: 60_000, prePromotionCheck: true };
