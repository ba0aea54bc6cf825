import type { Hono } from 'hono';
import { authorEntity, missingParams, stringParam, type RouteContext, type StandInEnv } from '../env.js';
import type { StoredCommitComment, StoredNote } from '../store.js';

/** `POST /projects/:id/merge_requests/:iid/notes` and `POST /projects/:id/repository/commits/:sha/comments`. */
export function noteRoutes(app: Hono<StandInEnv>, { store }: RouteContext): void {
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
    return c.json(
      {
        id: note.id,
        type: null,
        body: note.body,
        author: authorEntity(store, new URL(c.req.url).origin),
        created_at: note.createdAt,
        updated_at: note.createdAt,
        system: false,
        noteable_id: iid,
        noteable_type: 'MergeRequest',
        noteable_iid: iid,
        project_id: project.id,
        resolvable: false,
        confidential: note.internal,
        internal: note.internal,
      },
      201,
    );
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
    return c.json(
      {
        note: comment.note,
        path: comment.path,
        line: comment.line,
        line_type: stringParam(params, 'line_type') ?? null,
        author: authorEntity(store, new URL(c.req.url).origin),
        created_at: comment.createdAt,
      },
      201,
    );
  });
}
