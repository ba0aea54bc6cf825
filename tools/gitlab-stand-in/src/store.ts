import { FaultQueue } from './faults.js';
import type { ResolvedStandInOptions, StandInProject, StandInUser } from './options.js';
import type { StatusState } from './status-machine.js';

/** One commit status row, as the stand-in holds it. */
export interface StoredStatus {
  readonly id: number;
  readonly projectId: number;
  readonly sha: string;
  readonly ref: string;
  readonly name: string;
  readonly pipelineId: number;
  status: StatusState;
  targetUrl: string | null;
  description: string | null;
  coverage: number | null;
  /** Replaced by a newer row with the same name (GitLab's `retried`). */
  retried: boolean;
  readonly createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** A deployment created through the API. */
export interface StoredDeployment {
  readonly id: number;
  readonly iid: number;
  readonly projectId: number;
  readonly environment: { readonly id: number; readonly name: string };
  readonly sha: string;
  readonly ref: string;
  readonly tag: boolean;
  status: string;
  readonly createdAt: string;
  updatedAt: string;
}

/** An environment, created through the API or by a deployment naming it. */
export interface StoredEnvironment {
  readonly id: number;
  readonly projectId: number;
  readonly name: string;
  /** `production`, `staging`, `testing`, `development` or `other`; `null` until set (created by a deployment). */
  tier: string | null;
  externalUrl: string | null;
  readonly createdAt: string;
  updatedAt: string;
}

/** A note posted on a merge request. */
export interface StoredNote {
  readonly id: number;
  readonly projectId: number;
  readonly mergeRequestIid: number;
  readonly body: string;
  readonly internal: boolean;
  readonly createdAt: string;
}

/** A comment posted on a commit. */
export interface StoredCommitComment {
  readonly projectId: number;
  readonly sha: string;
  readonly note: string;
  readonly path: string | null;
  readonly line: number | null;
  readonly createdAt: string;
}

/** One request the stand-in received, with what it answered. */
export interface RecordedRequest {
  readonly method: string;
  /** Path as received, still URL-encoded, e.g. `/api/v4/projects/group%2Fproj/statuses/…`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case header names; credential headers (`private-token`, `authorization`, `job-token`) read `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON or form body, `null` when there was none. */
  readonly body: unknown;
  /** Whether the request carried the configured token. */
  readonly authenticated: boolean;
  /** Status the stand-in answered. */
  status: number;
  /** True when an injected fault produced the answer. */
  fault: boolean;
  readonly at: string;
}

/** Everything the stand-in remembers. One per running stand-in. */
export class StandInStore {
  readonly options: ResolvedStandInOptions;
  readonly faults = new FaultQueue();
  statuses: StoredStatus[] = [];
  deployments: StoredDeployment[] = [];
  environments: StoredEnvironment[] = [];
  notes: StoredNote[] = [];
  commitComments: StoredCommitComment[] = [];
  requests: RecordedRequest[] = [];
  /** External pipelines: one per (project, sha, ref), as GitLab creates them. */
  pipelines: Array<{ id: number; projectId: number; sha: string; ref: string }> = [];
  #nextId = 1000;

  constructor(options: ResolvedStandInOptions) {
    this.options = options;
  }

  get user(): StandInUser {
    return this.options.user;
  }

  now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  /** Finds a project by numeric id or by (decoded) path, case-insensitively as GitLab does. */
  findProject(idOrPath: string): StandInProject | undefined {
    if (/^\d+$/.test(idOrPath)) return this.options.projects.find((p) => p.id === Number(idOrPath));
    const wanted = idOrPath.toLowerCase();
    return this.options.projects.find((p) => p.path.toLowerCase() === wanted);
  }

  /** Whether `sha` names a commit of `project`. */
  commitExists(project: StandInProject, sha: string): boolean {
    return project.commits ? project.commits.includes(sha) : /^[0-9a-f]{40}$/.test(sha);
  }

  /** Forgets everything received and stored; keeps projects and options. */
  reset(): void {
    this.statuses = [];
    this.deployments = [];
    this.environments = [];
    this.notes = [];
    this.commitComments = [];
    this.requests = [];
    this.pipelines = [];
    this.faults.clear();
  }
}
