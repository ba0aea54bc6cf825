import { ANNOTATIONS, LABEL_KEYS, MANAGED_BY_LABEL, MANAGED_BY_SLUICE, type Application } from '@sluice/delivery';

/** What the ownership decision reads of an object in a target namespace. */
export interface TargetObjectMeta {
  readonly metadata: {
    readonly labels?: Readonly<Record<string, string>> | undefined;
    readonly annotations?: Readonly<Record<string, string>> | undefined;
  };
}

/** Who is asking to write: the Application, and how to recognise its Deliveries. */
export interface Claimant {
  /** `<application namespace>/<application name>`, the `sluice.dev/owner` value of its objects. */
  readonly owner: string;
  /** The Application's name. */
  readonly application: string;
  /** True when `delivery` names a Delivery of this Application (how an object of an earlier deployer is recognised). */
  readonly ownDelivery: (delivery: string) => boolean;
}

/**
 * Whether the deployer may write an object of a target namespace:
 * - `absent`: nothing there, it may create it;
 * - `owned`: labeled `app.kubernetes.io/managed-by=sluice` and annotated `sluice.dev/owner` with this Application;
 * - `adopt`: written by an earlier deployer, before owner annotations (managed by Sluice, no owner annotation,
 *   and labeled `sluice.dev/application` with this Application or annotated `sluice.dev/delivery` with one of its
 *   Deliveries): it may write, and the write records the owner;
 * - `foreign`: anything else; `owner` says whose it is (the annotation's value, or "not managed by Sluice").
 */
export type Ownership =
  | { readonly kind: 'absent' }
  | { readonly kind: 'owned' }
  | { readonly kind: 'adopt' }
  | { readonly kind: 'foreign'; readonly owner: string };

/** The `sluice.dev/owner` value of `application`'s objects: `<namespace>/<name>`. */
export function ownerOf(application: Pick<Application, 'metadata'>): string {
  return `${application.metadata.namespace ?? ''}/${application.metadata.name}`;
}

/** The claimant for `application`, whose Deliveries (by name) are `deliveries`. */
export function claimantOf(application: Pick<Application, 'metadata'>, deliveries: readonly { readonly metadata: { readonly name?: string | undefined } }[]): Claimant {
  return { owner: ownerOf(application), application: application.metadata.name, ownDelivery: (name) => deliveries.some((d) => d.metadata.name === name) };
}

/** Decides whether `claimant` may write `object` (see {@link Ownership}). */
export function ownership(object: TargetObjectMeta | undefined, claimant: Claimant): Ownership {
  if (object === undefined) return { kind: 'absent' };
  const labels = object.metadata.labels ?? {};
  const annotations = object.metadata.annotations ?? {};
  const owner = annotations[ANNOTATIONS.owner];
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_SLUICE) return { kind: 'foreign', owner: 'not managed by Sluice' };
  if (owner !== undefined) return owner === claimant.owner ? { kind: 'owned' } : { kind: 'foreign', owner };
  const delivery = annotations[ANNOTATIONS.delivery] ?? '';
  if (labels[LABEL_KEYS.application] === claimant.application || (delivery !== '' && claimant.ownDelivery(delivery))) return { kind: 'adopt' };
  return { kind: 'foreign', owner: 'managed by Sluice for no known Application (no sluice.dev/owner annotation)' };
}

/** The `NotOwned` message for `kind` `name` in `namespace`: whose it is, and what to do. */
export function notOwnedMessage(kind: string, name: string, namespace: string, owner: string, claimant: Claimant): string {
  return (
    `${kind} ${name} in namespace ${namespace} is not ${claimant.owner}'s: its owner is ${owner}; ` +
    'Sluice never writes an object another Application or anyone else owns. Choose another deploymentName/serviceName, ' +
    `or, if it is this Application's, annotate it ${ANNOTATIONS.owner}=${claimant.owner} and label it ${MANAGED_BY_LABEL}=${MANAGED_BY_SLUICE}`
  );
}
