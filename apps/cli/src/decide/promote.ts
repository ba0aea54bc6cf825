import { isTerminal, type Delivery, type EnvironmentName, type Stage } from '@sluice/delivery';
import { DEPLOYER, PROMOTE_ACTION, promotionApprovedAnnotation } from '../contract.js';
import { stageName } from '../format/stages.js';

/** What `sluice promote` should do with a Delivery. */
export type PromotePlan =
  | { readonly kind: 'refuse'; readonly why: string }
  /** Already approved for this environment: nothing to set. */
  | { readonly kind: 'approved'; readonly environment: EnvironmentName; readonly at: string }
  /** Set `sluice.dev/action=promote` (or it is set already and not yet taken). */
  | { readonly kind: 'promote'; readonly environment: EnvironmentName; readonly alreadyRequested: boolean };

/**
 * Whether promoting `d` makes sense: only a Delivery whose deploy stage waits
 * at a manual gate (stage running with the deployer's `waiting for
 * promotion` message) can be promoted, in the environment it waits in.
 */
export function planPromote(d: Delivery, wanted: EnvironmentName | undefined): PromotePlan {
  const name = d.metadata.name;
  const phase = d.status?.phase ?? 'Pending';
  if (isTerminal(phase)) return { kind: 'refuse', why: `delivery ${name} has already finished (${phase}); there is nothing to promote` };
  const stages = d.status?.stages ?? [];
  const waiting = waitingForPromotion(stages);
  if (!waiting?.environment) {
    const current = stages.find((s) => s.state === 'running') ?? stages.find((s) => s.state === 'pending');
    const where = current ? `; ${stageName(current)} is ${current.state}${current.message ? ` (${current.message})` : ''}` : '';
    return { kind: 'refuse', why: `delivery ${name} is not waiting for promotion (phase ${phase}${where})` };
  }
  const environment = waiting.environment;
  if (wanted !== undefined && wanted !== environment) {
    return { kind: 'refuse', why: `delivery ${name} waits for promotion in ${environment}, not ${wanted}` };
  }
  const approvedAt = d.metadata.annotations?.[promotionApprovedAnnotation(environment)];
  if (approvedAt) return { kind: 'approved', environment, at: approvedAt };
  return { kind: 'promote', environment, alreadyRequested: d.metadata.annotations?.[DEPLOYER.action] === PROMOTE_ACTION };
}

/** The deploy stage waiting at a manual promotion gate, if any. */
export function waitingForPromotion(stages: readonly Stage[]): Stage | undefined {
  return stages.find((s) => s.name === 'deploy' && s.state === 'running' && s.message === DEPLOYER.waitingForPromotion);
}
