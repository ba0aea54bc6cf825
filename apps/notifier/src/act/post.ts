/**
 * The one place the notifier calls GitLab: makes one planned call and maps
 * GitLab's answer to what to record or when to try again.
 */
import type { GitLabStatusState, PostedStatus } from '@sluice/delivery';
import type { GitlabClient, GitlabFailure } from '@sluice/gitlab';
import { deploymentToAdopt, notePosted } from '../decide/adopt.js';
import { deploymentDescription, environmentDescription, isFinalState, type Call } from '../decide/plan.js';

/** Where a Delivery's statuses go. */
export interface Target {
  readonly projectId: number;
  readonly sha: string;
  readonly ref: string;
  readonly tag: boolean;
  /** When the Delivery was created: a deployment of this commit made since is this Delivery's own (see `deploymentToAdopt`). */
  readonly since?: string | undefined;
}

/** What one call achieved. */
export type ActOutcome =
  /** GitLab now shows `record` (posted, already there, or read back); write it to `status.posted`. */
  | { readonly kind: 'recorded'; readonly record: PostedStatus; readonly how: 'posted' | 'already' | 'verified' }
  /** Try again later: 409 lock (`locked`), or 429/5xx/timeout/network (`unavailable`). */
  | {
      readonly kind: 'retry';
      readonly reason: 'locked' | 'unavailable';
      readonly httpStatus: number | null;
      readonly retryAfterMs: number | null;
      readonly message: string;
    }
  /** GitLab refused the call (403, 404, 422, …); repeating it will not help. */
  | { readonly kind: 'refused'; readonly httpStatus: number; readonly message: string };

const RANK: Readonly<Record<string, number>> = { created: -1, pending: 0, running: 1 };
const rank = (state: string): number => RANK[state] ?? 2;
const GITLAB_STATES = new Set<string>(['pending', 'running', 'success', 'failed', 'canceled', 'skipped']);

/** Makes `call` against GitLab for the commit `target`. Never throws for GitLab's answers, only for bugs. */
export async function act(client: GitlabClient, call: Call, target: Target, now: () => Date): Promise<ActOutcome> {
  switch (call.kind) {
    case 'status':
      return postStatus(client, call, target, now);
    case 'environment': {
      const outcome = await client.ensureEnvironment({ projectId: target.projectId, name: call.environment, tier: call.tier });
      if (outcome.kind !== 'ok') return failure(outcome);
      return recorded({ state: 'success', description: environmentDescription(call.tier), postedAt: now().toISOString() }, 'posted');
    }
    case 'deployment':
      return postDeployment(client, call, target, now);
    case 'note':
      return postNote(client, call, target, now);
  }
}

/**
 * Posts the rollback note on the merge request (or the commit), unless it is
 * there already: the notes are read first and one carrying the note's marker
 * (a create whose answer was lost: a crash, a timeout, another replica) is
 * recorded as posted instead of being posted twice.
 */
async function postNote(client: GitlabClient, call: Extract<Call, { kind: 'note' }>, target: Target, now: () => Date): Promise<ActOutcome> {
  const { note } = call;
  const onMergeRequest = note.target.kind === 'merge_request' ? note.target.iid : undefined;
  const description = onMergeRequest !== undefined ? `note on !${onMergeRequest}` : 'commit comment';
  const listed =
    onMergeRequest !== undefined
      ? await client.listMergeRequestNotes(target.projectId, onMergeRequest)
      : await client.listCommitComments(target.projectId, target.sha);
  if (listed.kind !== 'ok') return failure(listed);
  const bodies = listed.value.map((n) => ('body' in n ? n.body : n.note));
  if (notePosted(bodies, note.marker)) return recorded({ state: 'success', description, postedAt: now().toISOString() }, 'verified');
  const outcome =
    onMergeRequest !== undefined
      ? await client.createMergeRequestNote(target.projectId, onMergeRequest, note.body)
      : await client.createCommitComment(target.projectId, target.sha, note.body);
  if (outcome.kind !== 'ok') return failure(outcome);
  return recorded({ state: 'success', description, postedAt: now().toISOString() }, 'posted');
}

/**
 * Creates or moves the environment's deployment of this commit. Without a
 * recorded id, it first looks for one: a create whose answer was lost (a
 * crash, a timeout, another replica) left a deployment that is adopted, not
 * made again. With a recorded id it is read first when this process has
 * not itself posted it (`verifyFirst`): an update whose answer was lost is
 * recorded, not sent again.
 */
async function postDeployment(client: GitlabClient, call: Extract<Call, { kind: 'deployment' }>, target: Target, now: () => Date): Promise<ActOutcome> {
  const record = (id: number, how: 'posted' | 'verified'): ActOutcome =>
    recorded({ state: call.status, description: deploymentDescription(id), deploymentId: id, postedAt: now().toISOString() }, how);
  let id = call.deploymentId;
  if (id !== undefined && call.verifyFirst) {
    // An update whose answer was lost (a crash, a takeover) may have moved it already: then record, do not send again.
    const listed = await client.listDeployments(target.projectId, call.environment);
    if (listed.kind !== 'ok') return failure(listed);
    if (listed.value.find((d) => d.id === id)?.status === call.status) return record(id, 'verified');
  }
  if (id === undefined && target.since !== undefined) {
    const listed = await client.listDeployments(target.projectId, call.environment);
    if (listed.kind !== 'ok') return failure(listed);
    const mine = deploymentToAdopt(listed.value, target);
    if (mine?.status === call.status) return record(mine.id, 'verified');
    id = mine?.id;
  }
  const outcome =
    id === undefined
      ? await client.createDeployment({ projectId: target.projectId, environment: call.environment, sha: target.sha, ref: target.ref, tag: target.tag, status: call.status })
      : await client.updateDeployment(target.projectId, id, call.status);
  if (outcome.kind !== 'ok') return failure(outcome);
  return record(outcome.value.id, 'posted');
}

async function postStatus(client: GitlabClient, call: Extract<Call, { kind: 'status' }>, target: Target, now: () => Date): Promise<ActOutcome> {
  const { status } = call;
  const record = (state: GitLabStatusState): PostedStatus => ({
    state,
    description: status.description,
    ...(status.targetUrl !== undefined && status.targetUrl.length <= 2048 ? { targetUrl: status.targetUrl } : {}),
    postedAt: now().toISOString(),
  });
  if (call.verifyFirst) {
    const listed = await client.listCommitStatuses(target.projectId, target.sha, { ref: target.ref, name: status.name });
    if (listed.kind !== 'ok') return failure(listed);
    const latest = listed.value.filter((row) => row.name === status.name).sort((a, b) => b.id - a.id)[0];
    if (latest?.status === status.state) return recorded(record(status.state), 'verified');
  }
  const outcome = await client.setCommitStatus({
    projectId: target.projectId,
    sha: target.sha,
    ref: target.ref,
    name: status.name,
    state: status.state,
    description: status.description,
    ...(status.targetUrl !== undefined ? { targetUrl: status.targetUrl } : {}),
  });
  switch (outcome.kind) {
    case 'ok':
      return recorded(record(status.state), 'posted');
    case 'already': {
      // GitLab holds an active row in `currentState` that cannot move to the
      // requested state: it is already there or further along.
      const current = outcome.currentState;
      const state =
        current !== null && GITLAB_STATES.has(current) && rank(current) > rank(status.state) && !isFinalState(status.state)
          ? (current as GitLabStatusState)
          : status.state;
      return recorded(record(state), 'already');
    }
    default:
      return failure(outcome);
  }
}

function recorded(record: PostedStatus, how: 'posted' | 'already' | 'verified'): ActOutcome {
  return { kind: 'recorded', record, how };
}

function failure(outcome: GitlabFailure): ActOutcome {
  switch (outcome.kind) {
    case 'locked':
      return { kind: 'retry', reason: 'locked', httpStatus: 409, retryAfterMs: outcome.retryAfterMs, message: outcome.message };
    case 'retryable':
      return { kind: 'retry', reason: 'unavailable', httpStatus: outcome.httpStatus, retryAfterMs: outcome.retryAfterMs, message: outcome.message };
    case 'rejected':
      return { kind: 'refused', httpStatus: outcome.httpStatus, message: outcome.message };
  }
}
