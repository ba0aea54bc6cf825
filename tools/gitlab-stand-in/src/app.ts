import { Hono } from 'hono';
import type { StandInEnv } from './env.js';
import type { FaultSpec } from './faults.js';
import { recordAndParse, requireToken, resolveProject } from './middleware.js';
import { resolveOptions, type StandInOptions } from './options.js';
import { deploymentRoutes } from './routes/deployments.js';
import { environmentRoutes } from './routes/environments.js';
import { noteRoutes } from './routes/notes.js';
import { statusRoutes } from './routes/statuses.js';
import {
  StandInStore,
  type RecordedRequest,
  type StoredCommitComment,
  type StoredDeployment,
  type StoredEnvironment,
  type StoredNote,
  type StoredStatus,
} from './store.js';

/** Narrows what {@link StandInInspector.statuses} returns. Without a filter: every row, retried ones included, oldest first. */
export interface StatusFilter {
  /** Numeric id or path. */
  readonly projectId?: number | string;
  readonly sha?: string;
  readonly name?: string;
  readonly ref?: string;
  /** Include rows a newer same-name status replaced. Default true. */
  readonly includeRetried?: boolean;
}

/** Looks into and steers a stand-in from tests. Returned records are copies. */
export interface StandInInspector {
  statuses(filter?: StatusFilter): StoredStatus[];
  deployments(filter?: { readonly projectId?: number | string }): StoredDeployment[];
  /** Environments with their tier, created through the API or by a deployment, oldest first. */
  environments(filter?: { readonly projectId?: number | string; readonly name?: string }): StoredEnvironment[];
  notes(filter?: { readonly projectId?: number | string; readonly mergeRequestIid?: number }): StoredNote[];
  commitComments(filter?: { readonly projectId?: number | string; readonly sha?: string }): StoredCommitComment[];
  /** Every API request received, oldest first, optionally by method and path (substring or pattern). */
  requests(filter?: { readonly method?: string; readonly path?: string | RegExp }): RecordedRequest[];
  /**
   * Makes the next `times` (default 1) matching API requests answer `status`
   * (409, 429, 500, 502, …) with GitLab's body and an optional `Retry-After`,
   * and/or wait `delayMs` first. Faults apply before authentication and in
   * the order injected.
   */
  inject(fault: FaultSpec): void;
  /** Drops faults not yet used. */
  clearFaults(): void;
  /** Forgets every status, deployment, environment, note, comment, request and fault. */
  reset(): void;
}

/**
 * Builds the stand-in as a Hono app, for in-process tests via `app.request()`.
 * {@link startGitlabStandIn} serves the same app over HTTP.
 */
export function createGitlabStandInApp(options: StandInOptions): { app: Hono<StandInEnv>; inspector: StandInInspector } {
  const store = new StandInStore(resolveOptions(options));
  const app = new Hono<StandInEnv>();
  app.use('/api/v4/*', recordAndParse(store), requireToken(store));
  app.use('/api/v4/projects/:id/*', resolveProject(store));
  statusRoutes(app, { store });
  deploymentRoutes(app, { store });
  environmentRoutes(app, { store });
  noteRoutes(app, { store });
  app.notFound((c) => c.json({ error: '404 Not Found' }, 404));
  app.onError((error, c) => c.json({ message: `500 Internal Server Error: ${error.message}` }, 500));
  return { app, inspector: inspectorFor(store) };
}

function inspectorFor(store: StandInStore): StandInInspector {
  const projectMatches = (projectId: number, wanted: number | string | undefined) =>
    wanted === undefined || projectId === store.findProject(String(wanted))?.id;
  return {
    statuses: (f = {}) =>
      store.statuses
        .filter(
          (s) =>
            projectMatches(s.projectId, f.projectId) &&
            (f.sha === undefined || s.sha === f.sha) &&
            (f.name === undefined || s.name === f.name) &&
            (f.ref === undefined || s.ref === f.ref) &&
            (f.includeRetried !== false || !s.retried),
        )
        .map((s) => ({ ...s })),
    deployments: (f = {}) =>
      store.deployments.filter((d) => projectMatches(d.projectId, f.projectId)).map((d) => ({ ...d })),
    environments: (f = {}) =>
      store.environments.filter((e) => projectMatches(e.projectId, f.projectId) && (f.name === undefined || e.name === f.name)).map((e) => ({ ...e })),
    notes: (f = {}) =>
      store.notes
        .filter((n) => projectMatches(n.projectId, f.projectId) && (f.mergeRequestIid === undefined || n.mergeRequestIid === f.mergeRequestIid))
        .map((n) => ({ ...n })),
    commitComments: (f = {}) =>
      store.commitComments.filter((m) => projectMatches(m.projectId, f.projectId) && (f.sha === undefined || m.sha === f.sha)).map((m) => ({ ...m })),
    requests: (f = {}) =>
      store.requests
        .filter((r) => f.method === undefined || r.method === f.method.toUpperCase())
        .filter((r) => f.path === undefined || (typeof f.path === 'string' ? r.path.includes(f.path) : f.path.test(r.path)))
        .map((r) => ({ ...r })),
    inject: (fault) => store.faults.add(fault),
    clearFaults: () => store.faults.clear(),
    reset: () => store.reset(),
  };
}
