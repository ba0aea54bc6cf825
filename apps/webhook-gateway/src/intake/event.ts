import { NULL_SHA, type Commit, type MergeRequest, type Project, type Pusher, type RefType } from '@sluice/delivery';
import { branchFromRef, parseEvent, tagFromRef, type CommitSummary, type MergeRequestEvent, type PushEvent, type TagPushEvent } from '@sluice/gitlab';
import * as z from 'zod';

/** Why a well-formed, authenticated webhook starts nothing. Closed; sent back as `reason`. */
export type IgnoreReason =
  /** An `X-Gitlab-Event` Sluice does not handle. */
  | 'unknown_event'
  /** A branch or tag was deleted; unfinished Deliveries of it are canceled instead. */
  | 'ref_deleted'
  /** No Application names this GitLab project's id. */
  | 'no_application'
  /** Two or more Applications name this GitLab project's id: none of them gets its webhooks. */
  | 'ambiguous_application'
  /** The Application's rules do not deliver this ref. */
  | 'no_matching_rule'
  /** A merge request event that brings no new code (approval, title edit, close, merge, …). */
  | 'no_new_commits';

/** One push, tag or merge request head to deliver: the Delivery spec's facts, before routing. */
export interface DeliverEvent {
  readonly kind: 'deliver';
  /** The project the hook belongs to (for a merge request, its target). */
  readonly project: Project;
  /** Short ref name; for a merge request, its source branch. */
  readonly ref: string;
  readonly refType: RefType;
  /** What the Delivery name is derived from; unique per branch, tag or merge request. */
  readonly nameRef: string;
  readonly before: string;
  readonly after: string;
  readonly checkoutSha: string;
  readonly pusher: Pusher;
  readonly mergeRequest?: MergeRequest;
  /** The project's web page (of the target project for a merge request), for run-page links. */
  readonly projectUrl?: string;
  /** The delivered commit, when the webhook lists it (pushes). */
  readonly commit?: Commit;
}

/** A branch or tag that no longer exists. */
export interface RefDeletedEvent {
  readonly kind: 'ref_deleted';
  readonly project: Project;
  readonly ref: string;
  readonly refType: 'branch' | 'tag';
}

/** What an authenticated webhook asks for. */
export type IntakeEvent =
  | DeliverEvent
  | RefDeletedEvent
  | { readonly kind: 'ignored'; readonly reason: IgnoreReason; readonly detail: string }
  | { readonly kind: 'invalid'; readonly detail: string };

/** Merge request actions that put new code on the merge request's head. */
const CODE_ACTIONS = new Set(['open', 'reopen']);

/**
 * Classifies an authenticated, JSON-parsed webhook. Shape, SHAs and ref names
 * are validated by `@sluice/gitlab`'s `parseEvent`; this adds what Sluice
 * does with each kind. Pure; never throws.
 */
export function toIntakeEvent(eventHeader: string | undefined, json: unknown): IntakeEvent {
  const parsed = parseEvent(eventHeader, json);
  switch (parsed.kind) {
    case 'push':
      return fromPush(parsed);
    case 'tag_push':
      return fromTagPush(parsed);
    case 'merge_request':
      return fromMergeRequest(parsed);
    case 'invalid':
      return { kind: 'invalid', detail: parsed.detail };
    case 'ignored':
      return parsed.reason === 'ref_deleted' ? deletedRef(json) : { kind: 'ignored', reason: parsed.reason, detail: parsed.detail };
  }
}

function fromPush(event: PushEvent): DeliverEvent {
  return {
    kind: 'deliver',
    project: { id: event.project.id, path: event.project.path },
    ref: event.branch,
    refType: 'branch',
    nameRef: event.ref,
    before: event.before ?? NULL_SHA,
    after: event.after,
    checkoutSha: event.sha,
    pusher: pusherOf(event.pusher.name, event.pusher.username, event.pusher.email),
    ...projectUrlOf(event.project.webUrl),
    ...commitOf(event.commits.find((commit) => commit.sha === event.sha)),
  };
}

function fromTagPush(event: TagPushEvent): DeliverEvent {
  return {
    kind: 'deliver',
    project: { id: event.project.id, path: event.project.path },
    ref: event.tag,
    refType: 'tag',
    nameRef: event.ref,
    before: event.before ?? NULL_SHA,
    after: event.tagObjectSha,
    // An annotated tag's `after` is the tag object; only checkout_sha names the commit.
    checkoutSha: event.sha,
    pusher: pusherOf(event.pusher.name, event.pusher.username, event.pusher.email),
    ...projectUrlOf(event.project.webUrl),
  };
}

function fromMergeRequest(event: MergeRequestEvent): IntakeEvent {
  const hasNewCode = CODE_ACTIONS.has(event.action) || (event.action === 'update' && event.oldrev !== null);
  if (!hasNewCode || event.state !== 'opened') {
    return { kind: 'ignored', reason: 'no_new_commits', detail: `merge request !${event.iid} ${event.action} (${event.state}) brings no new commit` };
  }
  // A fork's URL (source.git_http_url) is never used: the code is fetched from the
  // Application's own repository, at refs/merge-requests/<iid>/head (fetchRefOf).
  return {
    kind: 'deliver',
    project: { id: event.targetProject.id, path: event.targetProject.path },
    ref: event.sourceBranch,
    refType: 'merge_request',
    nameRef: `refs/merge-requests/${event.iid}/head`,
    before: event.oldrev ?? NULL_SHA,
    after: event.sha,
    checkoutSha: event.sha,
    pusher: pusherOf(event.user.name, event.user.username, null),
    ...projectUrlOf(event.targetProject.webUrl),
    mergeRequest: {
      iid: event.iid,
      sourceBranch: event.sourceBranch,
      targetBranch: event.targetBranch,
      title: event.title.slice(0, 1024),
      url: event.url.slice(0, 2048),
    },
  };
}

// Kept only when it fits the Delivery schema: a link is a convenience, never a reason to refuse a push.
function projectUrlOf(webUrl: string): { projectUrl?: string } {
  return webUrl.length <= 2048 ? { projectUrl: webUrl } : {};
}

function commitOf(commit: CommitSummary | undefined): { commit?: Commit } {
  if (commit === undefined) return {};
  return {
    commit: {
      title: commit.title.slice(0, 1024),
      ...(commit.authorName && { authorName: commit.authorName.slice(0, 512) }),
      ...(commit.url.length <= 2048 && { url: commit.url }),
    },
  };
}

function pusherOf(name: string, username: string | null, email: string | null): Pusher {
  return { name: name.slice(0, 512), ...(username && { username: username.slice(0, 255) }), ...(email && { email: email.slice(0, 512) }) };
}

// parseEvent reports a deletion without saying what was deleted; these are the fields needed to cancel.
const deletionSchema = z.looseObject({
  ref: z.string(),
  project: z.looseObject({ id: z.number().int().positive(), path_with_namespace: z.string().min(1) }),
});

function deletedRef(json: unknown): IntakeEvent {
  const parsed = deletionSchema.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', detail: 'ref deletion without ref or project' };
  const { ref, project } = parsed.data;
  const branch = branchFromRef(ref);
  const tag = branch === null ? tagFromRef(ref) : null;
  if (branch === null && tag === null) return { kind: 'invalid', detail: 'ref: must be refs/heads/<branch> or refs/tags/<tag>' };
  return {
    kind: 'ref_deleted',
    project: { id: project.id, path: project.path_with_namespace },
    ref: branch ?? (tag as string),
    refType: branch === null ? 'tag' : 'branch',
  };
}
