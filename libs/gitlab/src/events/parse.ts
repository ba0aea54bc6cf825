import type { z } from 'zod';
import { isValidRefName } from '@sluice/delivery';
import { branchFromRef, tagFromRef } from '../refs.js';
import { ZERO_SHA, shaOrNull } from '../sha.js';
import {
  mergeRequestHookSchema,
  pushHookSchema,
  tagPushHookSchema,
  type MergeRequestHookPayload,
  type PushHookPayload,
  type TagPushHookPayload,
} from './schemas.js';
import {
  MERGE_REQUEST_ACTIONS,
  type MergeRequestAction,
  type ParsedEvent,
  type ProjectInfo,
  type Pusher,
} from './types.js';

/** `X-Gitlab-Event` values Sluice handles. */
export const SUPPORTED_EVENTS = ['Push Hook', 'Tag Push Hook', 'Merge Request Hook'] as const;

/**
 * Turns an authenticated delivery into a value: what happened, or why there is
 * nothing to do. `json` is the already-parsed body; call this only after
 * verification succeeded. Never throws.
 *
 * - Branch or tag deletion → `ignored` / `ref_deleted`.
 * - Any other `X-Gitlab-Event` → `ignored` / `unknown_event`.
 * - Wrong shape, non-40-hex SHAs, invalid ref names, or an `object_kind` that
 *   contradicts the header → `invalid` / `malformed`.
 */
export function parseEvent(eventHeader: string | null | undefined, json: unknown): ParsedEvent {
  switch (eventHeader?.trim()) {
    case 'Push Hook':
      return withSchema(pushHookSchema, json, parsePush);
    case 'Tag Push Hook':
      return withSchema(tagPushHookSchema, json, parseTagPush);
    case 'Merge Request Hook':
      return withSchema(mergeRequestHookSchema, json, parseMergeRequest);
    case undefined:
    case '':
      return malformed('X-Gitlab-Event header is missing');
    default:
      return { kind: 'ignored', reason: 'unknown_event', detail: `Sluice does not handle "${truncate(eventHeader ?? '', 64)}"` };
  }
}

function withSchema<S extends z.ZodType>(schema: S, json: unknown, build: (payload: z.infer<S>) => ParsedEvent): ParsedEvent {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return malformed(issues.join('; '));
  }
  return build(result.data);
}

function parsePush(payload: PushHookPayload): ParsedEvent {
  const branch = branchFromRef(payload.ref);
  if (branch === null) return malformed('ref: must be refs/heads/<valid branch name>');
  if (payload.after === ZERO_SHA) {
    return { kind: 'ignored', reason: 'ref_deleted', detail: `branch ${branch} was deleted` };
  }
  return {
    kind: 'push',
    project: projectInfo(payload.project),
    ref: payload.ref,
    branch,
    before: shaOrNull(payload.before),
    after: payload.after,
    sha: payload.checkout_sha ?? payload.after,
    created: payload.before === ZERO_SHA,
    refProtected: payload.ref_protected ?? null,
    pusher: pusher(payload),
    commits: payload.commits.map((commit) => ({
      sha: commit.id,
      title: commit.title ?? commit.message.split('\n', 1)[0] ?? '',
      timestamp: commit.timestamp,
      url: commit.url,
      authorName: commit.author.name,
    })),
    totalCommitsCount: payload.total_commits_count,
    commitsTruncated: payload.total_commits_count > payload.commits.length,
  };
}

function parseTagPush(payload: TagPushHookPayload): ParsedEvent {
  const tag = tagFromRef(payload.ref);
  if (tag === null) return malformed('ref: must be refs/tags/<valid tag name>');
  if (payload.after === ZERO_SHA) {
    return { kind: 'ignored', reason: 'ref_deleted', detail: `tag ${tag} was deleted` };
  }
  // For an annotated tag `after` is the tag object, which GitLab cannot hang a
  // status on; only `checkout_sha` names the commit, so it is required here.
  if (payload.checkout_sha === null) return malformed('checkout_sha: required for a tag that was not deleted');
  return {
    kind: 'tag_push',
    project: projectInfo(payload.project),
    ref: payload.ref,
    tag,
    before: shaOrNull(payload.before),
    tagObjectSha: payload.after,
    sha: payload.checkout_sha,
    annotated: payload.after !== payload.checkout_sha,
    message: payload.message ? payload.message : null,
    refProtected: payload.ref_protected ?? null,
    pusher: pusher(payload),
  };
}

function parseMergeRequest(payload: MergeRequestHookPayload): ParsedEvent {
  const attrs = payload.object_attributes;
  if (!isValidRefName(attrs.source_branch) || !isValidRefName(attrs.target_branch)) {
    return malformed('object_attributes.source_branch/target_branch: must be valid branch names');
  }
  return {
    kind: 'merge_request',
    action: mergeRequestAction(attrs.action),
    iid: attrs.iid,
    id: attrs.id,
    title: attrs.title,
    url: attrs.url,
    state: attrs.state,
    draft: attrs.draft ?? false,
    sha: attrs.last_commit.id,
    oldrev: attrs.oldrev ?? null,
    sourceBranch: attrs.source_branch,
    targetBranch: attrs.target_branch,
    sourceProject: projectInfo({ ...attrs.source, id: attrs.source_project_id }),
    targetProject: projectInfo({ ...payload.project, id: attrs.target_project_id }),
    user: { id: payload.user.id ?? null, username: payload.user.username, name: payload.user.name },
  };
}

function projectInfo(project: PushHookPayload['project']): ProjectInfo {
  return {
    id: project.id,
    path: project.path_with_namespace,
    webUrl: project.web_url,
    gitHttpUrl: project.git_http_url,
    gitSshUrl: project.git_ssh_url,
    defaultBranch: project.default_branch ?? null,
  };
}

function pusher(payload: PushHookPayload | TagPushHookPayload): Pusher {
  const email = payload.user_email;
  return {
    id: payload.user_id,
    username: payload.user_username ?? null,
    name: payload.user_name,
    email: email && email !== '[REDACTED]' ? email : null,
  };
}

function mergeRequestAction(action: string | undefined): MergeRequestAction {
  return (MERGE_REQUEST_ACTIONS as readonly string[]).includes(action ?? '') ? (action as MergeRequestAction) : 'unknown';
}

function malformed(detail: string): ParsedEvent {
  return { kind: 'invalid', reason: 'malformed', detail };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
