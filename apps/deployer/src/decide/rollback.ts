import { ANNOTATIONS, API_GROUP_VERSION, initialStatus, shortSha, type Application, type DeliveryStatus, type EnvironmentName } from '@sluice/delivery';
import type { ParsedDelivery } from './facts.js';

/** A rollback Delivery: the object to create and the status that hands it to the deployer. */
export interface RollbackDelivery {
  readonly object: { apiVersion: string; kind: string; metadata: { name: string; namespace: string; annotations: Record<string, string> }; spec: Record<string, unknown> };
  readonly status: DeliveryStatus;
}

/**
 * The Delivery a manual rollback creates to redeploy `revision` (already
 * tested and built) into `environment` through the normal steps: the spec of
 * the Delivery that made it live (or one built from the Application when that
 * one is gone), its `receivedAt` (so push order stays right), annotated
 * `sluice.dev/rollback: <environment>`; test and build are marked succeeded
 * and the image is the one that Delivery's build recorded, by digest.
 */
export function rollbackDelivery(input: {
  readonly application: Application;
  readonly environment: EnvironmentName;
  readonly revision: string;
  readonly receivedAt: string;
  readonly previous: ParsedDelivery | undefined;
  readonly now: number;
}): RollbackDelivery {
  const { application, environment, revision, previous } = input;
  const appName = application.metadata.name ?? 'app';
  const name = `${appName.slice(0, 30)}-rollback-${shortSha(revision).slice(0, 8)}-${input.now.toString(36)}`.toLowerCase();
  const receivedAt = input.receivedAt || previous?.spec.receivedAt || new Date(input.now).toISOString();
  const spec: Record<string, unknown> = previous
    ? { ...previous.spec, checkoutSha: revision, after: revision, receivedAt, idempotencyKey: `rollback-${name}`, environments: [environment] }
    : {
        application: appName,
        project: application.spec.project,
        repositoryUrl: application.spec.repositoryUrl,
        ref: 'rollback',
        refType: 'branch',
        before: '0'.repeat(40),
        after: revision,
        checkoutSha: revision,
        pusher: { name: 'sluice rollback' },
        idempotencyKey: `rollback-${name}`,
        receivedAt,
        environments: [environment],
      };
  const at = new Date(input.now).toISOString();
  const status = initialStatus({ environments: [environment] });
  status.phase = 'Building';
  // The tested image by digest; without it (the Delivery that built it is gone) the deploy stage refuses to run.
  if (previous?.status.image !== undefined) status.image = previous.status.image;
  const message = `manual rollback: reuses the tested image of ${revision}${previous ? ` (${previous.metadata.name ?? ''})` : ''}`;
  status.stages = status.stages.map((s) => (s.name === 'deploy' ? s : { ...s, state: 'succeeded', startedAt: at, finishedAt: at, message }));
  return {
    object: {
      apiVersion: API_GROUP_VERSION,
      kind: 'Delivery',
      metadata: {
        name,
        namespace: application.metadata.namespace ?? '',
        annotations: { [ANNOTATIONS.rollback]: environment },
      },
      spec,
    },
    status,
  };
}
