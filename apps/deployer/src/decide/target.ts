import { LABEL_KEYS, TEAM_LABEL, type Application, type EnvironmentTarget } from '@sluice/delivery';
import { COLORS, type Color } from '@sluice/manifests';
import type { EnvironmentFacts } from './facts.js';
import { notOwnedMessage, ownership, type Claimant, type TargetObjectMeta } from './ownership.js';

/** A target namespace as the deployer could read it. */
export type NamespaceRead =
  | { readonly kind: 'found'; readonly labels: Readonly<Record<string, string>> }
  | { readonly kind: 'absent' }
  /** The deployer has no Role there: not one of its target namespaces. */
  | { readonly kind: 'forbidden' };

/** What the deployer checks before it writes in an environment's target: the namespace and the objects it may write. */
export interface TargetView {
  readonly namespace: NamespaceRead;
  readonly service: TargetObjectMeta | undefined;
  readonly deployments: Readonly<Partial<Record<Color, TargetObjectMeta>>>;
}

/** May the deployer write there; if not, the closed reason the deploy stage fails with and a message for people. */
export type TargetVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: 'NamespaceNotAllowed' | 'NotOwned'; readonly message: string };

/**
 * Why `application` may not deploy into `namespace` (undefined: it may). A
 * target namespace serves the Application its `sluice.dev/application` label
 * names, or every Application of the team its `sluice.dev/team` label names
 * (only an Application labeled with that team: one without a team label can
 * use only the first form).
 */
export function namespaceProblem(namespace: string, read: NamespaceRead, application: Pick<Application, 'metadata'>): string | undefined {
  const name = application.metadata.name;
  const team = application.metadata.labels?.[TEAM_LABEL];
  const needs =
    `the label ${LABEL_KEYS.application}=${name}` +
    (team !== undefined && team !== '' ? ` or ${TEAM_LABEL}=${team}` : ` (Application ${name} has no ${TEAM_LABEL} label, so a team label cannot open a namespace to it)`);
  if (read.kind === 'absent') return `namespace ${namespace} does not exist; it must be created with ${needs}`;
  if (read.kind === 'forbidden') return `the deployer may not read namespace ${namespace}: it is not one of the deployer's target namespaces (no Role there); it must be one, with ${needs}`;
  const labels = read.labels;
  if (labels[LABEL_KEYS.application] === name) return undefined;
  if (team !== undefined && team !== '' && labels[TEAM_LABEL] === team) return undefined;
  const has = [LABEL_KEYS.application, TEAM_LABEL].filter((key) => labels[key] !== undefined).map((key) => `${key}=${labels[key]}`);
  return `namespace ${namespace} is not open to Application ${name}: it needs ${needs}; it is labeled ${has.length > 0 ? has.join(', ') : 'with neither'}`;
}

/**
 * Whether the deployer may write in `target` for `claimant`: the namespace
 * must be open to the Application (`NamespaceNotAllowed`), and the Service
 * and both color Deployments must each be absent, this Application's, or an
 * earlier deployer's object of this Application (`NotOwned` otherwise,
 * naming the first object that is not).
 */
export function targetVerdict(application: Pick<Application, 'metadata'>, target: EnvironmentTarget, view: TargetView, claimant: Claimant): TargetVerdict {
  const problem = namespaceProblem(target.namespace, view.namespace, application);
  if (problem !== undefined) return { ok: false, reason: 'NamespaceNotAllowed', message: problem };
  const objects: [string, string, TargetObjectMeta | undefined][] = [
    ['Service', target.serviceName, view.service],
    ...COLORS.map((color): [string, string, TargetObjectMeta | undefined] => ['Deployment', `${target.deploymentName}-${color}`, view.deployments[color]]),
  ];
  for (const [kind, name, object] of objects) {
    const verdict = ownership(object, claimant);
    if (verdict.kind === 'foreign') return { ok: false, reason: 'NotOwned', message: notOwnedMessage(kind, name, target.namespace, verdict.owner, claimant) };
  }
  return { ok: true };
}

/**
 * `facts` without the objects `claimant` does not own: a Service or color
 * of someone else never informs a decision (its annotations could name a
 * live revision, a rejected SHA, a color); a step that would write where one
 * is finds it in the fresh read before the write and fails `NotOwned`.
 */
export function ownedFacts(facts: EnvironmentFacts, claimant: Claimant): EnvironmentFacts {
  const mine = <T extends TargetObjectMeta>(object: T | undefined): T | undefined => (ownership(object, claimant).kind === 'foreign' ? undefined : object);
  const deployments: EnvironmentFacts['deployments'] = Object.fromEntries(
    COLORS.flatMap((color) => {
      const d = mine(facts.deployments[color]);
      return d ? [[color, d]] : [];
    }),
  );
  return { ...facts, service: mine(facts.service), deployments };
}
