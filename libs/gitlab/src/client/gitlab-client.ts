import { Commits, Deployments, Environments, MergeRequestNotes } from '@gitbeaker/rest';
import { GitlabError } from '../errors.js';
import { interceptStatuses, type FetchDispatcher } from './dispatcher.js';
import { classifyFailure, failureFacts, type GitlabOutcome } from './outcome.js';
import { GITLAB_TEXT_LIMIT, charLength, truncateText } from './text.js';
import {
  toCommitComment,
  toCommitComments,
  toCommitStatus,
  toCommitStatuses,
  toDeployment,
  toDeployments,
  toEnvironment,
  toEnvironments,
  toNote,
  toNotes,
  type CommitComment,
  type CommitState,
  type CommitStatus,
  type Deployment,
  type DeploymentStatus,
  type Environment,
  type EnvironmentTier,
  type Note,
} from './values.js';

/** Options of {@link GitlabClient}. */
export interface GitlabClientOptions {
  /** GitLab base URL, e.g. `https://gitlab.example.com` (no `/api/v4`). */
  readonly host: string;
  /**
   * Personal, project or group access token: the contents of the mounted
   * token file. Surrounding whitespace (a trailing newline) is removed. Sent
   * as `PRIVATE-TOKEN`; never logged or included in outcomes and errors.
   */
  readonly token: string;
  /** Per-request timeout. Default 10 000 ms (gitbeaker's own default is 300 s). */
  readonly timeoutMs?: number;
  /**
   * Custom fetch dispatcher, e.g. `dispatcherTrusting(ca)` for a
   * self-managed GitLab with a private CA, or a tracing wrapper (name its
   * requests with `describeGitlabRequest`). Default: Node's global dispatcher.
   */
  readonly dispatcher?: FetchDispatcher;
  /** Clock for `Retry-After` HTTP-dates; injected for tests. */
  readonly now?: () => Date;
}

/** Input of {@link GitlabClient.setCommitStatus}. */
export interface SetCommitStatusInput {
  /** Numeric id or `group/project` path. For a merge request: the source project. */
  readonly projectId: number | string;
  readonly sha: string;
  readonly state: CommitState;
  /** Status name (GitLab's `name`/`context`), e.g. `sluice/test`. */
  readonly name: string;
  /** Branch or tag the status belongs to. */
  readonly ref: string;
  /** Link shown on the status. Omitted (not truncated) when over 255 characters, which GitLab would refuse. */
  readonly targetUrl?: string;
  /** Truncated to 255 characters. */
  readonly description?: string;
  /** Attach to this pipeline when the SHA has several. */
  readonly pipelineId?: number;
}

/** GitLab refused a transition because the status is already there or past it (400 "Cannot transition status …"). */
export interface StatusAlreadySet {
  readonly kind: 'already';
  readonly httpStatus: 400;
  readonly message: string;
  /** The state GitLab reported the status to be in, when the message names it. */
  readonly currentState: string | null;
}

/** Result of {@link GitlabClient.setCommitStatus}. */
export type CommitStatusOutcome = GitlabOutcome<CommitStatus> | StatusAlreadySet;

/** Input of {@link GitlabClient.createDeployment}. GitLab requires every field. */
export interface CreateDeploymentInput {
  readonly projectId: number | string;
  /** Environment name; GitLab creates the environment when it does not exist. */
  readonly environment: string;
  readonly sha: string;
  readonly ref: string;
  readonly tag: boolean;
  readonly status: DeploymentStatus;
}

/** Input of {@link GitlabClient.ensureEnvironment}. */
export interface EnsureEnvironmentInput {
  readonly projectId: number | string;
  /** Exact environment name, e.g. `production`. */
  readonly name: string;
  readonly tier: EnvironmentTier;
}

// Failed below gitbeaker so its blind retry loop never runs (see dispatcher.ts).
const INTERCEPTED_STATUSES = [429, 502] as const;
/**
 * gitbeaker's client-side limit, requests per minute per resource: its default for every endpoint Sluice calls
 * (3,000), as one pattern. gitbeaker's default table has ~20 glob patterns and compiles them again (picomatch) on
 * every request until one matches; in the notifier's benchmark that was half of what survived young-generation
 * GCs (~250 KB per Delivery), i.e. of its old-space growth. The one difference: its 300/min for note POSTs
 * on merge requests (one rollback note per Delivery at most).
 */
const RATE_LIMITS = { '**': 3000 };
const TRANSITION_ERROR = /^Cannot transition status via :\w+ from :(\w+)/;

/**
 * The GitLab calls Sluice makes, over `@gitbeaker/rest`. Every method returns
 * a {@link GitlabOutcome} value: `ok`, `locked` (409, retry soon), `retryable`
 * (429, 5xx, timeout, network; with `retryAfterMs` when GitLab sent
 * `Retry-After`) or `rejected` (other 4xx). Nothing is retried here; the
 * caller owns backoff and idempotency.
 *
 * @throws GitlabError `invalid_config` from the constructor; `unexpected_response`
 *   when GitLab answers 2xx with a body of the wrong shape.
 */
export class GitlabClient {
  readonly #commits: InstanceType<typeof Commits>;
  readonly #deployments: InstanceType<typeof Deployments>;
  readonly #environments: InstanceType<typeof Environments>;
  readonly #mergeRequestNotes: InstanceType<typeof MergeRequestNotes>;
  readonly #now: () => Date;

  constructor(options: GitlabClientOptions) {
    const host = parseHost(options.host);
    const token = options.token.trim();
    if (token.length === 0) throw new GitlabError('invalid_config', 'GitLab token is empty: check the mounted token file');
    const timeoutMs = options.timeoutMs ?? 10_000;
    if (!(timeoutMs > 0)) throw new GitlabError('invalid_config', 'timeoutMs must be a positive number of milliseconds');
    const resourceOptions = {
      host,
      token,
      queryTimeout: timeoutMs,
      // gitbeaker types `agent` as http.Agent but hands it to fetch as `dispatcher`.
      agent: interceptStatuses(INTERCEPTED_STATUSES, options.dispatcher) as never,
      rateLimits: RATE_LIMITS,
    };
    this.#commits = new Commits(resourceOptions);
    this.#deployments = new Deployments(resourceOptions);
    this.#environments = new Environments(resourceOptions);
    this.#mergeRequestNotes = new MergeRequestNotes(resourceOptions);
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Creates or updates a commit status (`POST /projects/:id/statuses/:sha`).
   * An invalid transition (e.g. `running` again while running) is the value
   * `already`, not a failure.
   */
  async setCommitStatus(input: SetCommitStatusInput): Promise<CommitStatusOutcome> {
    const options = {
      name: input.name,
      ref: input.ref,
      ...(input.targetUrl !== undefined && charLength(input.targetUrl) <= GITLAB_TEXT_LIMIT ? { targetUrl: input.targetUrl } : {}),
      ...(input.description !== undefined ? { description: truncateText(input.description) } : {}),
      ...(input.pipelineId !== undefined ? { pipelineId: input.pipelineId } : {}),
    };
    // `skipped` is valid for GitLab but missing from gitbeaker's state type.
    const state = input.state as Exclude<CommitState, 'skipped'>;
    const outcome = await this.#call(() => this.#commits.editStatus(input.projectId, input.sha, state, options), toCommitStatus);
    if (outcome.kind === 'rejected' && outcome.httpStatus === 400) {
      const match = TRANSITION_ERROR.exec(outcome.message);
      if (match) return { kind: 'already', httpStatus: 400, message: outcome.message, currentState: match[1] ?? null };
    }
    return outcome;
  }

  /** Lists a commit's statuses (`GET /projects/:id/repository/commits/:sha/statuses`); latest per name unless `all`. */
  listCommitStatuses(
    projectId: number | string,
    sha: string,
    filter: { readonly ref?: string; readonly name?: string; readonly all?: boolean } = {},
  ): Promise<GitlabOutcome<CommitStatus[]>> {
    return this.#call(() => this.#commits.allStatuses(projectId, sha, { ...filter }), toCommitStatuses);
  }

  /** Creates a deployment (`POST /projects/:id/deployments`). */
  createDeployment(input: CreateDeploymentInput): Promise<GitlabOutcome<Deployment>> {
    return this.#call(
      () => this.#deployments.create(input.projectId, input.environment, input.sha, input.ref, input.tag, { status: input.status }),
      toDeployment,
    );
  }

  /**
   * An environment's deployments, newest first, at most `limit` (≤ 100)
   * (`GET /projects/:id/deployments?environment=&order_by=id&sort=desc`).
   */
  listDeployments(projectId: number | string, environment: string, limit = 100): Promise<GitlabOutcome<Deployment[]>> {
    return this.#call(
      () => this.#deployments.all(projectId, { environment, orderBy: 'id', sort: 'desc', perPage: Math.min(limit, 100), maxPages: 1 }),
      toDeployments,
    );
  }

  /** Moves a deployment to a new status (`PUT /projects/:id/deployments/:deployment_id`). */
  updateDeployment(projectId: number | string, deploymentId: number, status: DeploymentStatus): Promise<GitlabOutcome<Deployment>> {
    return this.#call(() => this.#deployments.edit(projectId, deploymentId, status), toDeployment);
  }

  /**
   * Makes sure the environment `name` exists with `tier`: looks it up by
   * exact name (`GET /projects/:id/environments?name=`), creates it with the
   * tier when missing (`POST /projects/:id/environments`), edits the tier
   * when different (`PUT /projects/:id/environments/:environment_id`), and
   * otherwise changes nothing. An environment created between lookup and
   * create (GitLab answers 400) is looked up again and used. The first
   * failing request's outcome is returned; every step is safe to repeat.
   */
  async ensureEnvironment(input: EnsureEnvironmentInput): Promise<GitlabOutcome<Environment>> {
    let existing = await this.#findEnvironment(input.projectId, input.name);
    if (existing.kind !== 'ok') return existing;
    if (existing.value === undefined) {
      const created = await this.#call(() => this.#environments.create(input.projectId, input.name, { tier: input.tier }), toEnvironment);
      // 400 "has already been taken": created since the lookup (e.g. by a deployment); use that one.
      if (created.kind !== 'rejected' || created.httpStatus !== 400) return created;
      existing = await this.#findEnvironment(input.projectId, input.name);
      if (existing.kind !== 'ok') return existing;
      if (existing.value === undefined) return created;
    }
    const environment = existing.value;
    if (environment.tier === input.tier) return { kind: 'ok', value: environment };
    return this.#call(() => this.#environments.edit(input.projectId, environment.id, { tier: input.tier }), toEnvironment);
  }

  async #findEnvironment(projectId: number | string, name: string): Promise<GitlabOutcome<Environment | undefined>> {
    const listed = await this.#call(() => this.#environments.all(projectId, { name }), toEnvironments);
    return listed.kind === 'ok' ? { kind: 'ok', value: listed.value.find((environment) => environment.name === name) } : listed;
  }

  /** Adds a note to a merge request (`POST /projects/:id/merge_requests/:iid/notes`). */
  createMergeRequestNote(projectId: number | string, mergeRequestIid: number, body: string): Promise<GitlabOutcome<Note>> {
    return this.#call(() => this.#mergeRequestNotes.create(projectId, mergeRequestIid, body), toNote);
  }

  /**
   * A merge request's notes, newest first, at most `limit` (≤ 100)
   * (`GET /projects/:id/merge_requests/:iid/notes?order_by=created_at&sort=desc`):
   * to find a note whose create answer was lost before posting it again.
   */
  listMergeRequestNotes(projectId: number | string, mergeRequestIid: number, limit = 100): Promise<GitlabOutcome<Note[]>> {
    return this.#call(
      () => this.#mergeRequestNotes.all(projectId, mergeRequestIid, { orderBy: 'created_at', sort: 'desc', perPage: Math.min(limit, 100), maxPages: 1 }),
      toNotes,
    );
  }

  /** A commit's comments, GitLab's first page (`GET /projects/:id/repository/commits/:sha/comments`). */
  listCommitComments(projectId: number | string, sha: string): Promise<GitlabOutcome<CommitComment[]>> {
    return this.#call(() => this.#commits.allComments(projectId, sha), toCommitComments);
  }

  /** Comments on a commit (`POST /projects/:id/repository/commits/:sha/comments`). */
  createCommitComment(projectId: number | string, sha: string, note: string): Promise<GitlabOutcome<CommitComment>> {
    return this.#call(() => this.#commits.createComment(projectId, sha, note), toCommitComment);
  }

  async #call<T>(request: () => Promise<unknown>, toValue: (body: unknown) => T): Promise<GitlabOutcome<T>> {
    let body: unknown;
    try {
      body = await request();
    } catch (error) {
      const facts = failureFacts(error);
      if (!facts) throw error;
      return classifyFailure(facts, this.#now());
    }
    try {
      return { kind: 'ok', value: toValue(body) };
    } catch (error) {
      throw new GitlabError('unexpected_response', 'GitLab answered 2xx with a body Sluice does not recognise', { cause: error });
    }
  }
}

function parseHost(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new GitlabError('invalid_config', `GitLab host "${host}" is not a URL; use e.g. https://gitlab.example.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GitlabError('invalid_config', `GitLab host must be http(s), got ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new GitlabError('invalid_config', 'GitLab host must not contain credentials, a query or a fragment');
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/api/v4')) throw new GitlabError('invalid_config', 'GitLab host must not end in /api/v4; the client adds it');
  return `${url.origin}${path}`;
}
