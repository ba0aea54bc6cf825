import type { Sha } from '../sha.js';

/** A GitLab project as a webhook describes it. */
export interface ProjectInfo {
  readonly id: number;
  /** `path_with_namespace`, e.g. `storefront/checkout-api`. */
  readonly path: string;
  readonly webUrl: string;
  /** Clone URL over HTTP(S). */
  readonly gitHttpUrl: string;
  readonly gitSshUrl: string;
  readonly defaultBranch: string | null;
}

/** Who pushed. `email` is `null` when GitLab sends none, an empty string or `[REDACTED]`. */
export interface Pusher {
  readonly id: number;
  readonly username: string | null;
  readonly name: string;
  readonly email: string | null;
}

/** One commit listed in a push. */
export interface CommitSummary {
  readonly sha: Sha;
  readonly title: string;
  readonly timestamp: string;
  readonly url: string;
  readonly authorName: string;
}

/** A push to a branch that still exists afterwards. */
export interface PushEvent {
  readonly kind: 'push';
  readonly project: ProjectInfo;
  /** Full ref, `refs/heads/<branch>`. */
  readonly ref: string;
  /** Branch name; may contain slashes (`feature/x`). */
  readonly branch: string;
  /** Previous tip, or `null` when the push created the branch. */
  readonly before: Sha | null;
  /** New tip of the branch. */
  readonly after: Sha;
  /** The commit to test, build, deploy and report on (`checkout_sha`, else `after`). */
  readonly sha: Sha;
  /** True when the push created the branch (`before` was all zeros). */
  readonly created: boolean;
  readonly refProtected: boolean | null;
  readonly pusher: Pusher;
  /** At most the newest 20 commits, oldest first (GitLab truncates). */
  readonly commits: readonly CommitSummary[];
  /** How many commits the push really added (`total_commits_count`). */
  readonly totalCommitsCount: number;
  /** True when `commits` lists fewer than `totalCommitsCount`. */
  readonly commitsTruncated: boolean;
}

/** A tag created or moved. */
export interface TagPushEvent {
  readonly kind: 'tag_push';
  readonly project: ProjectInfo;
  /** Full ref, `refs/tags/<tag>`. */
  readonly ref: string;
  readonly tag: string;
  /** Previous target of the tag, or `null` when the push created it. */
  readonly before: Sha | null;
  /** `after` as sent: the tag object for an annotated tag, the commit for a lightweight one. */
  readonly tagObjectSha: Sha;
  /** The tagged commit (`checkout_sha`, dereferenced): use it for statuses and deployments. */
  readonly sha: Sha;
  /** True when `after` differs from `checkout_sha`, i.e. the tag is an annotated tag object. */
  readonly annotated: boolean;
  /** Annotation message, `null` when there is none. */
  readonly message: string | null;
  readonly refProtected: boolean | null;
  readonly pusher: Pusher;
}

/** Merge request actions GitLab documents; anything newer arrives as `unknown`. */
export const MERGE_REQUEST_ACTIONS = [
  'open',
  'close',
  'reopen',
  'update',
  'approved',
  'unapproved',
  'approval',
  'unapproval',
  'merge',
] as const;

export type MergeRequestAction = (typeof MERGE_REQUEST_ACTIONS)[number] | 'unknown';

/** A Merge Request Hook. Statuses go on `sha` in `sourceProject` (a fork's project differs from the target). */
export interface MergeRequestEvent {
  readonly kind: 'merge_request';
  readonly action: MergeRequestAction;
  /** Project-scoped number, as in `!57`; use it with the notes API on the target project. */
  readonly iid: number;
  readonly id: number;
  readonly title: string;
  readonly url: string;
  /** `opened`, `closed`, `merged`, `locked`. */
  readonly state: string;
  readonly draft: boolean;
  /** Head of the source branch: `object_attributes.last_commit.id`. */
  readonly sha: Sha;
  /** Previous head when this update changed code; `null` otherwise. */
  readonly oldrev: Sha | null;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  readonly sourceProject: ProjectInfo;
  /** The project the hook belongs to (the merge request's target). */
  readonly targetProject: ProjectInfo;
  readonly user: { readonly id: number | null; readonly username: string; readonly name: string };
}

/** Why a well-formed delivery needs no work. */
export type IgnoredReason =
  /** An `X-Gitlab-Event` Sluice does not handle (Note Hook, Pipeline Hook, …); answer 2xx, not 4xx. */
  | 'unknown_event'
  /** A branch or tag was deleted (`after` all zeros, `checkout_sha` null): never post a status for it. */
  | 'ref_deleted';

export interface IgnoredEvent {
  readonly kind: 'ignored';
  readonly reason: IgnoredReason;
  readonly detail: string;
}

/** The payload does not have the documented shape for its event. */
export interface InvalidEvent {
  readonly kind: 'invalid';
  readonly reason: 'malformed';
  /** Which fields are wrong; never echoes field values. */
  readonly detail: string;
}

/** Result of {@link parseEvent}. */
export type ParsedEvent = PushEvent | TagPushEvent | MergeRequestEvent | IgnoredEvent | InvalidEvent;
