import { ANNOTATIONS, isTerminal, PROMOTE_ACTION, promotionApprovedAnnotation, stageName, type Delivery, type EnvironmentName } from '@sluice/delivery';

/** What `sluice promote` should do with a Delivery. */
export type PromotePlan =
  | { readonly kind: 'refuse'; readonly why: string }
  /** Already approved for this environment: nothing to set. */
  | { readonly kind: 'approved'; readonly environment: EnvironmentName; readonly at: string }
  /** Set `sluice.dev/action=promote` (or it is set already and not yet taken). */
  | { readonly kind: 'promote'; readonly environment: EnvironmentName; readonly alreadyRequested: boolean };

/**
 * Whether promoting `d` makes sense: only a Delivery whose deploy stage waits
 * at a manual gate (the stage's `promotion` field) can be promoted, in the
 * environment it waits in.
 */
export function planPromote(d: Delivery, wanted: EnvironmentName | undefined): PromotePlan {
  const name = d.metadata.name;
  const phase = d.status?.phase ?? 'Pending';
  if (isTerminal(phase)) return { kind: 'refuse', why: `delivery ${name} has already finished (${phase}); there is nothing to promote` };
  const stages = d.status?.stages ?? [];
  const gate = stages.find((s) => s.name === 'deploy' && s.state === 'running' && s.promotion !== undefined);
  if (!gate?.environment) {
    const current = stages.find((s) => s.state === 'running') ?? stages.find((s) => s.state === 'pending');
    const where = current ? `; ${stageName(current)} is ${current.state}${current.message ? ` (${current.message})` : ''}` : '';
    return { kind: 'refuse', why: `delivery ${name} is not waiting for promotion (phase ${phase}${where})` };
  }
  const environment = gate.environment;
  if (wanted !== undefined && wanted !== environment) {
    return { kind: 'refuse', why: `delivery ${name} waits for promotion in ${environment}, not ${wanted}` };
  }
  // The deployer records the approval on the Delivery as it takes the action, then on the stage.
  const approvedAt = gate.approvedAt ?? d.metadata.annotations?.[promotionApprovedAnnotation(environment)];
  if (gate.promotion === 'approved' || approvedAt) return { kind: 'approved', environment, at: approvedAt ?? '' };
  return { kind: 'promote', environment, alreadyRequested: d.metadata.annotations?.[ANNOTATIONS.action] === PROMOTE_ACTION };
}
