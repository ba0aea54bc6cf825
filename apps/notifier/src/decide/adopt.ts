import type { Deployment } from '@sluice/gitlab';

/** The commit and Delivery a deployment is looked for. */
export interface DeploymentOwner {
  readonly sha: string;
  readonly ref: string;
  /** When the Delivery was created (its `metadata.creationTimestamp`): a deployment of the same commit made before is another Delivery's. */
  readonly since?: string | undefined;
}

/**
 * The deployment this Delivery already made in an environment, from the
 * environment's deployments (any order): same SHA and ref, created since the
 * Delivery was. That is what a create whose answer was lost (a crash, a
 * timeout, another replica during a rolling update) left behind; adopting it
 * keeps GitLab at one deployment per Delivery and environment. An earlier
 * Delivery of the same commit (a rollback that redeploys it) made its own,
 * before this one existed, and is not adopted. Without a creation time,
 * nothing is adopted (a new deployment is created, as before).
 */
export function deploymentToAdopt(deployments: readonly Deployment[], owner: DeploymentOwner): Deployment | undefined {
  const since = Date.parse(owner.since ?? '');
  if (Number.isNaN(since)) return undefined;
  return deployments
    .filter((d) => d.sha === owner.sha && d.ref === owner.ref && Date.parse(d.createdAt ?? '') >= since)
    .sort((a, b) => b.id - a.id)[0];
}

/** The marker that ends the rollback note of Delivery `delivery`: an HTML comment, invisible in GitLab's Markdown. */
export function noteMarker(delivery: string): string {
  return `<!-- sluice:rollback-note delivery=${delivery} -->`;
}

/**
 * True when one of the notes (or commit comments) already carries the
 * note's marker: a create whose answer was lost (a crash, a timeout,
 * another replica) posted it, and posting again would show it twice.
 */
export function notePosted(bodies: readonly string[], marker: string): boolean {
  return bodies.some((body) => body.includes(marker));
}
