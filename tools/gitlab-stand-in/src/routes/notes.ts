import type { Hono } from 'hono';
import { authorEntity, missingParams, paginate, stringParam, type RouteContext, type StandInEnv } from '../env.js';
import type { StoredCommitComment, StoredNote } from '../store.js';

/** Merge request notes and commit comments: `POST` and `GET` of `/projects/:id/merge_requests/:iid/notes` and `/projects/:id/repository/commits/:sha/comments`. */
export function noteRoutes(app: Hono<StandInEnv>, { store }: RouteContext): void {
  app.get('/api/v4/projects/:id/merge_requests/:iid/notes', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const iid = Number(c.req.param('iid'));
    const matching = store.notes.filter((n) => n.projectId === project.id && n.mergeRequestIid === iid);
    // GitLab lists a merge request's notes newest first unless `sort=asc`.
    const rows = stringParam(params, 'sort') === 'asc' ? matching : [...matching].reverse();
    const origin = new URL(c.req.url).origin;
    const page = paginate(rows, params, c.req.url);
    return c.json(
      page.items.map((note) => noteEntity(note, authorEntity(store, origin))),
      200,
      page.headers,
    );
  });

  app.get('/api/v4/projects/:id/repository/commits/:sha/comments', (c) => {
    const project = c.get('project');
    const sha = c.req.param('sha');
    if (!store.commitExists(project, sha)) return c.json({ message: '404 Commit Not Found' }, 404);
    const origin = new URL(c.req.url).origin;
    const page = paginate(
      store.commitComments.filter((comment) => comment.projectId === project.id && comment.sha === sha),
      c.get('params'),
      c.req.url,
    );
    return c.json(
      page.items.map((comment) => commentEntity(comment, authorEntity(store, origin), null)),
      200,
      page.headers,
    );
  });

  app.post('/api/v4/projects/:id/merge_requests/:iid/notes', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const body = stringParam(params, 'body');
    if (!body) return c.json(missingParams(['body']), 400);
    const iid = Number(c.req.param('iid'));
    if (!Number.isInteger(iid) || iid < 1) return c.json({ message: '404 Not found' }, 404);
    const note: StoredNote = {
      id: store.nextId(),
      projectId: project.id,
      mergeRequestIid: iid,
      body,
      internal: stringParam(params, 'internal') === 'true',
      createdAt: store.now(),
    };
    store.notes.push(note);
    return c.json(noteEntity(note, authorEntity(store, new URL(c.req.url).origin)), 201);
  });

  app.post('/api/v4/projects/:id/repository/commits/:sha/comments', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const note = stringParam(params, 'note');
    if (!note) return c.json(missingParams(['note']), 400);
    const sha = c.req.param('sha');
    if (!store.commitExists(project, sha)) return c.json({ message: '404 Commit Not Found' }, 404);
    const line = stringParam(params, 'line');
    const comment: StoredCommitComment = {
      projectId: project.id,
      sha,
      note,
      path: stringParam(params, 'path') ?? null,
      line: line === undefined ? null : Number(line),
      createdAt: store.now(),
    };
    store.commitComments.push(comment);
    return c.json(commentEntity(comment, authorEntity(store, new URL(c.req.url).origin), stringParam(params, 'line_type') ?? null), 201);
  });
}

function noteEntity(note: StoredNote, author: unknown) {
  return {
    id: note.id,
    type: null,
    body: note.body,
    author,
    created_at: note.createdAt,
    updated_at: note.createdAt,
    system: false,
    noteable_id: note.mergeRequestIid,
    noteable_type: 'MergeRequest',
    noteable_iid: note.mergeRequestIid,
    project_id: note.projectId,
    resolvable: false,
    confidential: note.internal,
    internal: note.internal,
  };
}

function commentEntity(comment: StoredCommitComment, author: unknown, lineType: string | null) {
  return { note: comment.note, path: comment.path, line: comment.line, line_type: lineType, author, created_at: comment.createdAt };
}
