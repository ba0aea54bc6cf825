import { ANNOTATIONS, rollbackAction, rollbackTarget, shortSha, type Application, type EnvironmentName } from '@sluice/delivery';

/** What the CLI could read of the environment's Service (the deployer's record of what is live). */
export type ServiceFacts =
  | { readonly kind: 'found'; readonly annotations: Readonly<Record<string, string>> }
  | { readonly kind: 'absent' }
  /** Not readable with these credentials: the deployer decides alone. */
  | { readonly kind: 'unknown' };

/** What `sluice rollback` should do. */
export type RollbackPlan =
  | { readonly kind: 'refuse'; readonly why: string }
  | {
      readonly kind: 'rollback';
      /** The `sluice.dev/action` value to set. */
      readonly action: string;
      /** The action is set already and not yet taken. */
      readonly alreadyRequested: boolean;
      /** The live and target SHAs, when the Service could be read. */
      readonly from?: string;
      readonly to?: string;
    };

/**
 * Whether a rollback of `environment` makes sense, from what is knowable
 * before asking the deployer: the environment exists, no other action is
 * pending on the Application, and (when the Service is readable) there is a
 * previous good revision that is not already live. The deployer checks
 * again when it takes the action.
 */
export function planRollback(app: Application, environment: EnvironmentName, service: ServiceFacts): RollbackPlan {
  const name = app.metadata.name;
  const target = app.spec.environments[environment];
  if (!target) return { kind: 'refuse', why: `application ${name} has no ${environment} environment` };
  const action = rollbackAction(environment);
  const pending = app.metadata.annotations?.[ANNOTATIONS.action];
  const same = rollbackTarget(pending) === environment;
  if (pending !== undefined && pending !== '' && !same) {
    return { kind: 'refuse', why: `application ${name} already has a pending action "${pending}"; wait for the deployer to take it` };
  }
  if (service.kind === 'absent') {
    return { kind: 'refuse', why: `nothing is live in ${environment} yet (no Service ${target.namespace}/${target.serviceName}); there is nothing to roll back` };
  }
  if (service.kind === 'unknown') return { kind: 'rollback', action, alreadyRequested: same };
  const live = service.annotations[ANNOTATIONS.revision] ?? '';
  const previous = service.annotations[ANNOTATIONS.previousRevision] ?? '';
  if (previous === '') return { kind: 'refuse', why: `${name} has no previous good revision in ${environment} to return to` };
  if (previous === live) return { kind: 'refuse', why: `the previous good revision ${shortSha(previous)} is already live in ${environment}` };
  return { kind: 'rollback', action, alreadyRequested: same, from: live, to: previous };
}
