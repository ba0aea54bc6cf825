import { ANNOTATIONS, isTerminal, PROMOTE_ACTION, promotionApprovedAnnotation, type EnvironmentName } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { EXIT, failure } from '../cli/errors.js';
import { actionOptions } from '../cli/options.js';
import { annotate } from '../cluster/annotate.js';
import { deliveriesPath, getDelivery, readDelivery } from '../cluster/read.js';
import { waitFor } from '../cluster/watch.js';
import { planPromote, type PromotePlan } from '../decide/promote.js';
import { timestamp } from '../format/time.js';
import { target, type Command, type CommandContext } from './context.js';
import { waitEnded } from './wait-messages.js';

/** What the wait on the Delivery saw. */
type Seen = { readonly kind: 'approved'; readonly at: string } | { readonly kind: 'ended'; readonly phase: string; readonly reason?: string } | { readonly kind: 'deleted' };

/**
 * `sluice promote <delivery> [--env ENV]`: sets `sluice.dev/action=promote`
 * on a Delivery waiting at a manual promotion gate (the deployer's
 * contract), then waits for the deployer to consume it and record
 * `sluice.dev/promotion-approved.<env>`.
 */
export const promote: Command = async (ctx) => {
  const options = actionOptions(ctx.values);
  const { client } = ctx.cluster();
  const name = target(ctx);
  const plan = await request(ctx, client, name, options.env);
  if (plan.kind === 'approved') {
    ctx.io.out(`delivery ${name} was already promoted in ${plan.environment} at ${timestamp(plan.at)}\n`);
    return EXIT.ok;
  }
  const environment = plan.environment;
  ctx.io.out(`promotion of ${name} in ${environment} requested: ${ANNOTATIONS.action}=${PROMOTE_ACTION}\n`);
  if (options.waitMs === undefined) return EXIT.ok;

  const approved = promotionApprovedAnnotation(environment);
  const result = await waitFor<KubeObject, Seen>(
    client,
    { path: deliveriesPath(ctx.globals.namespace), fieldSelector: `metadata.name=${name}` },
    ([raw]): Seen | undefined => {
      if (!raw) return { kind: 'deleted' };
      const at = raw.metadata.annotations?.[approved];
      if (at) return { kind: 'approved', at };
      const read = readDelivery(raw);
      const status = read.ok ? read.delivery.status : undefined;
      if (status && isTerminal(status.phase)) return { kind: 'ended', phase: status.phase, ...(status.reason && { reason: status.reason }) };
      return undefined;
    },
    { timeoutMs: options.waitMs, signal: ctx.io.interrupt },
  );
  if (result.kind === 'error') throw result.error;
  if (result.kind !== 'done') return waitEnded(ctx.io, result, 'promotion', `Delivery ${name}`, options.waitMs, 'is the deployer running?');
  const seen = result.value;
  if (seen.kind === 'deleted') throw failure(`delivery ${name} was deleted while waiting`);
  if (seen.kind === 'ended') throw failure(`delivery ${name} ended as ${seen.phase}${seen.reason ? ` (${seen.reason})` : ''} before the deployer took the promotion`);
  ctx.io.out(`promoted: the deployer approved ${name} in ${environment} at ${timestamp(seen.at)}; it now switches traffic and bakes (follow: sluice show ${name})\n`);
  return EXIT.ok;
};

/** Decides and sets the action; re-reads and decides again if the Delivery changed in between. */
async function request(ctx: CommandContext, client: KubeClient, name: string, env: EnvironmentName | undefined): Promise<Exclude<PromotePlan, { kind: 'refuse' }>> {
  const namespace = ctx.globals.namespace;
  for (let attempt = 0; attempt < 5; attempt++) {
    const { raw, delivery } = await getDelivery(client, namespace, name);
    const plan = planPromote(delivery, env);
    if (plan.kind === 'refuse') throw failure(`cannot promote: ${plan.why}`);
    if (plan.kind === 'approved' || plan.alreadyRequested) return plan;
    const ref = { kind: 'Delivery' as const, namespace, name, resourceVersion: raw.metadata.resourceVersion };
    if (await annotate(client, ref, ANNOTATIONS.action, PROMOTE_ACTION)) return plan;
  }
  throw failure(`delivery ${name} kept changing while the promotion was being requested; try again`);
}
