import type { Hono } from 'hono';
import { authorEntity, paginate, stringParam, type RouteContext, type StandInEnv } from '../env.js';
import type { StandInProject } from '../options.js';
import { REQUESTABLE_STATES, isActive, transition, type RequestedState, type StatusState } from '../status-machine.js';
import type { StandInStore, StoredStatus } from '../store.js';

const MAX_LENGTH = 255;
const FINAL: readonly StatusState[] = ['success', 'failed', 'canceled', 'skipped'];

/**
 * `POST /projects/:id/statuses/:sha` and
 * `GET /projects/:id/repository/commits/:sha/statuses`, following
 * lib/api/commit_statuses.rb and Ci::CreateCommitStatusService.
 */
export function statusRoutes(app: Hono<StandInEnv>, { store }: RouteContext): void {
  app.post('/api/v4/projects/:id/statuses/:sha', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const sha = c.req.param('sha');
    const state = stringParam(params, 'state');
    if (!state) return c.json({ message: 'State is required' }, 400);
    if (!(REQUESTABLE_STATES as readonly string[]).includes(state)) return c.json({ error: 'state does not have a valid value' }, 400);
    const tooLong = ['ref', 'target_url', 'description'].filter((f) => (stringParam(params, f)?.length ?? 0) > MAX_LENGTH);
    if (tooLong.length > 0) {
      return c.json({ message: Object.fromEntries(tooLong.map((f) => [f, [`is too long (maximum is ${MAX_LENGTH} characters)`]])) }, 400);
    }
    if (!store.commitExists(project, sha)) return c.json({ message: '404 Commit Not Found' }, 404);

    const ref = stringParam(params, 'ref') ?? project.defaultBranch;
    const name = stringParam(params, 'name') ?? stringParam(params, 'context') ?? 'default';
    const pipelineId = pickPipeline(store, project, sha, ref, stringParam(params, 'pipeline_id'));
    if (pipelineId === undefined) return c.json({ message: '404 Pipeline for pipeline_id, sha and ref Not Found' }, 404);

    // GitLab updates the newest same-name row only while it is pending or running; otherwise it starts a new row.
    const existing = store.statuses.findLast(
      (s) => s.projectId === project.id && s.sha === sha && s.ref === ref && s.name === name && s.pipelineId === pipelineId && !s.retried && isActive(s.status),
    );
    const result = transition(existing?.status ?? 'created', state as RequestedState);
    if (!result.ok) return c.json({ message: result.message }, 400);

    const now = store.now();
    const row = existing ?? newRow(store, { projectId: project.id, sha, ref, name, pipelineId, createdAt: now });
    if (!existing) {
      for (const older of store.statuses) {
        if (older.projectId === project.id && older.sha === sha && older.name === name && older.pipelineId === pipelineId) older.retried = true;
      }
      store.statuses.push(row);
    }
    row.status = result.state;
    if (result.state === 'running' && row.startedAt === null) row.startedAt = now;
    if (FINAL.includes(result.state)) row.finishedAt = now;
    const targetUrl = stringParam(params, 'target_url');
    const description = stringParam(params, 'description');
    const coverage = stringParam(params, 'coverage');
    if (targetUrl !== undefined) row.targetUrl = targetUrl;
    if (description !== undefined) row.description = description;
    if (coverage !== undefined) row.coverage = Number(coverage);
    return c.json(statusEntity(store, row, new URL(c.req.url).origin), 201);
  });

  app.get('/api/v4/projects/:id/repository/commits/:sha/statuses', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const sha = c.req.param('sha');
    if (!store.commitExists(project, sha)) return c.json({ message: '404 Commit Not Found' }, 404);
    const ref = stringParam(params, 'ref');
    const name = stringParam(params, 'name');
    const stage = stringParam(params, 'stage');
    const pipelineId = stringParam(params, 'pipeline_id');
    const all = stringParam(params, 'all') === 'true';
    const rows = store.statuses
      .filter((s) => s.projectId === project.id && s.sha === sha)
      .filter((s) => all || !s.retried)
      .filter((s) => (ref === undefined || s.ref === ref) && (name === undefined || s.name === name))
      .filter((s) => (stage === undefined || stage === 'external') && (pipelineId === undefined || String(s.pipelineId) === pipelineId));
    const key = stringParam(params, 'order_by') === 'pipeline_id' ? 'pipelineId' : 'id';
    const desc = stringParam(params, 'sort') === 'desc';
    rows.sort((a, b) => (desc ? b[key] - a[key] : a[key] - b[key]));
    const origin = new URL(c.req.url).origin;
    const page = paginate(rows, params, c.req.url);
    return c.json(
      page.items.map((row) => statusEntity(store, row, origin)),
      200,
      page.headers,
    );
  });
}

function pickPipeline(store: StandInStore, project: StandInProject, sha: string, ref: string, requested: string | undefined): number | undefined {
  if (requested !== undefined) {
    return store.pipelines.find((p) => String(p.id) === requested && p.projectId === project.id && p.sha === sha && p.ref === ref)?.id;
  }
  const newest = store.pipelines.findLast((p) => p.projectId === project.id && p.sha === sha && p.ref === ref);
  if (newest) return newest.id;
  const id = store.nextId();
  store.pipelines.push({ id, projectId: project.id, sha, ref });
  return id;
}

function newRow(
  store: StandInStore,
  fields: Pick<StoredStatus, 'projectId' | 'sha' | 'ref' | 'name' | 'pipelineId' | 'createdAt'>,
): StoredStatus {
  return {
    ...fields,
    id: store.nextId(),
    status: 'created',
    targetUrl: null,
    description: null,
    coverage: null,
    retried: false,
    startedAt: null,
    finishedAt: null,
  };
}

/** GitLab's commit status entity, fields as in the documented example. */
function statusEntity(store: StandInStore, row: StoredStatus, origin: string) {
  return {
    id: row.id,
    sha: row.sha,
    ref: row.ref,
    status: row.status,
    name: row.name,
    target_url: row.targetUrl,
    description: row.description,
    created_at: row.createdAt,
    started_at: row.startedAt,
    finished_at: row.finishedAt,
    allow_failure: false,
    coverage: row.coverage,
    author: authorEntity(store, origin),
  };
}
