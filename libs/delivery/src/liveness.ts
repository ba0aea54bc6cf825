import { ENVIRONMENT_NAMES, type EnvironmentName } from './application.js';
import type { DeliveryStatus, Replacement } from './delivery.js';

/** Anything with a Delivery's name, application and (optional) status: a parsed Delivery or one of the apps' views of it. */
interface DeliveryLike {
  readonly metadata: { readonly name?: string | undefined };
  readonly spec: { readonly application: string };
  readonly status?: Pick<DeliveryStatus, 'liveIn' | 'replaced'> | undefined;
}

function inOrder(environments: Iterable<EnvironmentName>): EnvironmentName[] {
  const set = new Set(environments);
  return ENVIRONMENT_NAMES.filter((name) => set.has(name));
}

/** Staging before production. */
function byEnvironment(a: EnvironmentName, b: EnvironmentName): number {
  return ENVIRONMENT_NAMES.indexOf(a) - ENVIRONMENT_NAMES.indexOf(b);
}

/**
 * The status once this Delivery's revision serves `environment`: the
 * environment is in `liveIn` and no longer among the replaced ones (a
 * rollback can make a replaced Delivery live again). `undefined` when the
 * status says so already.
 */
export function markLive(status: DeliveryStatus, environment: EnvironmentName): DeliveryStatus | undefined {
  const live = status.liveIn ?? [];
  const replaced = status.replaced ?? [];
  if (live.includes(environment) && !replaced.some((r) => r.environment === environment)) return undefined;
  const rest = replaced.filter((r) => r.environment !== environment);
  const next: DeliveryStatus = { ...status, liveIn: inOrder([...live, environment]) };
  if (rest.length > 0) next.replaced = rest;
  else delete next.replaced;
  return next;
}

/**
 * The status once another Delivery's revision took `replacement.environment`
 * over: the environment leaves `liveIn` and the replacement is recorded (one
 * per environment). Only a Delivery live there is replaced, so a stale
 * decision never overwrites a later record: `undefined` when the status does
 * not list the environment as live.
 */
export function markReplaced(status: DeliveryStatus, replacement: Replacement): DeliveryStatus | undefined {
  const live = status.liveIn ?? [];
  if (!live.includes(replacement.environment)) return undefined;
  const rest = live.filter((env) => env !== replacement.environment);
  const replaced = [...(status.replaced ?? []).filter((r) => r.environment !== replacement.environment), { ...replacement }];
  const next: DeliveryStatus = { ...status, replaced: replaced.sort((a, b) => byEnvironment(a.environment, b.environment)) };
  if (rest.length > 0) next.liveIn = rest;
  else delete next.liveIn;
  return next;
}

/** Environments this Delivery's revision serves now (`status.liveIn`), staging before production. */
export function liveEnvironments(delivery: DeliveryLike): readonly EnvironmentName[] {
  return inOrder(delivery.status?.liveIn ?? []);
}

/** Where this Delivery was live and was replaced (`status.replaced`), staging before production. */
export function replacementsOf(delivery: DeliveryLike): readonly Replacement[] {
  return [...(delivery.status?.replaced ?? [])].sort((a, b) => byEnvironment(a.environment, b.environment));
}

/** One environment of one Application and the Delivery live there. */
export interface LiveDelivery {
  readonly application: string;
  readonly environment: EnvironmentName;
  readonly delivery: string;
}

/**
 * Which Delivery is live now in each environment of each Application, from
 * the Deliveries' `status.liveIn`: sorted by application, then staging
 * before production. Right after a switch, until the deployer has recorded
 * it on both, the old and the new one can both claim an environment; both
 * are listed then.
 */
export function liveNow(deliveries: Iterable<DeliveryLike>): LiveDelivery[] {
  const out: LiveDelivery[] = [];
  for (const d of deliveries) {
    for (const environment of liveEnvironments(d)) out.push({ application: d.spec.application, environment, delivery: d.metadata.name ?? '' });
  }
  return out.sort(
    (a, b) =>
      a.application.localeCompare(b.application) ||
      byEnvironment(a.environment, b.environment) ||
      a.delivery.localeCompare(b.delivery),
  );
}
