/**
 * Desired vs posted → the GitLab calls to make. Pure.
 *
 * Only the latest desired state per name is ever posted: after an outage a
 * status that went pending → running → success while GitLab was away is
 * posted once, as `success`. GitLab accepts every final state from
 * `created`, `pending` and `running`, so no intermediate step is needed.
 */
import type { GitLabStatusState, PostedStatus } from '@sluice/delivery';
import type { DeploymentStatus, EnvironmentTier } from '@sluice/gitlab';
import type { Desired, DesiredNote, DesiredStatus } from './desired.js';

/** One call to GitLab. `key` is where its result is recorded in `status.posted`. */
export type Call =
  | {
      readonly kind: 'status';
      readonly key: string;
      readonly status: DesiredStatus;
      /**
       * Read GitLab's current state before posting. Set for a state this
       * process has not itself posted or seen for the name (a Delivery from
       * before it took the lead): a notifier killed between GitLab's answer
       * and its record leaves exactly that doubt behind, and posting again
       * would repeat a request that succeeded — for a final state, a second
       * row on GitLab.
       */
      readonly verifyFirst: boolean;
    }
  /** Sets the environment's tier (creating the environment) before its first deployment. */
  | { readonly kind: 'environment'; readonly key: string; readonly environment: string; readonly tier: EnvironmentTier }
  | {
      readonly kind: 'deployment';
      readonly key: string;
      readonly environment: string;
      readonly status: DeploymentStatus;
      readonly deploymentId?: number;
      /** Moving a recorded deployment: read it first when this process has not itself posted or seen the key (as for statuses). */
      readonly verifyFirst?: boolean;
    }
  | { readonly kind: 'note'; readonly key: string; readonly note: DesiredNote };

/** What this process knows beyond `status.posted`. */
export interface PlanContext {
  /** True when this process posted or read the GitLab state under `key` itself. */
  readonly verified: (key: string) => boolean;
  /** True when GitLab refused this very call before (4xx other than a transition error); it is not repeated. */
  readonly refused: (key: string, state: string) => boolean;
}

const RANK: Readonly<Record<GitLabStatusState, number>> = { pending: 0, running: 1, success: 2, failed: 2, canceled: 2, skipped: 2 };

/** True for the states a commit status ends in. */
export function isFinalState(state: string): boolean {
  return state === 'success' || state === 'failed' || state === 'canceled' || state === 'skipped';
}

/** The calls that bring GitLab from `posted` to `desired`, in pipeline order. */
export function planCalls(desired: Desired, posted: Readonly<Record<string, PostedStatus>>, context: PlanContext): Call[] {
  const calls: Call[] = [];
  for (const status of desired.statuses) {
    const current = posted[status.name];
    if (current !== undefined && (current.state === status.state || RANK[status.state] < RANK[current.state])) continue;
    if (context.refused(status.name, status.state)) continue;
    calls.push({ kind: 'status', key: status.name, status, verifyFirst: !context.verified(status.name) });
  }
  for (const deployment of desired.deployments) {
    const current = posted[deployment.key];
    if (context.refused(deployment.key, deployment.status)) continue;
    if (current === undefined) {
      // GitLab's deployment API creates the environment but cannot set its tier: set it first, once.
      if (posted[deployment.environmentKey] === undefined && !context.refused(deployment.environmentKey, 'success')) {
        calls.push({ kind: 'environment', key: deployment.environmentKey, environment: deployment.environment, tier: deployment.tier });
      }
      calls.push({ kind: 'deployment', key: deployment.key, environment: deployment.environment, status: deployment.status });
      continue;
    }
    if (current.state === deployment.status || isFinalState(current.state)) continue;
    const deploymentId = deploymentIdOf(current);
    if (deploymentId === undefined) continue;
    calls.push({ kind: 'deployment', key: deployment.key, environment: deployment.environment, status: deployment.status, deploymentId, verifyFirst: !context.verified(deployment.key) });
  }
  const note = desired.note;
  if (note !== undefined && posted[note.key] === undefined && !context.refused(note.key, 'success')) {
    calls.push({ kind: 'note', key: note.key, note });
  }
  return calls;
}

/** The `status.posted` description of an environment whose tier is set. */
export function environmentDescription(tier: EnvironmentTier): string {
  return `tier ${tier}`;
}

/** The `status.posted` description of a deployment, for people reading the Delivery; the id itself is the record's `deploymentId`. */
export function deploymentDescription(id: number): string {
  return `deployment #${id}`;
}

// Records written before `deploymentId` existed named the id only in their description.
const LEGACY_DEPLOYMENT_REF = /^deployment #(\d+)$/;

/** The GitLab deployment id a record holds, if any (from the description only for records older than the field). */
export function deploymentIdOf(record: PostedStatus): number | undefined {
  if (record.deploymentId !== undefined) return record.deploymentId;
  const match = LEGACY_DEPLOYMENT_REF.exec(record.description ?? '');
  return match ? Number(match[1]) : undefined;
}
