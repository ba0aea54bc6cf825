import type { Hono } from 'hono';
import { authorEntity, missingParams, paginate, stringParam, type RouteContext, type StandInEnv } from '../env.js';
import type { StandInStore, StoredDeployment } from '../store.js';
import { addEnvironment, findEnvironment } from './environments.js';

const STATUSES = ['running', 'success', 'failed', 'canceled'];

/** `POST`, `PUT` and `GET` deployments, following lib/api/deployments.rb (every create parameter is required). */
export function deploymentRoutes(app: Hono<StandInEnv>, { store }: RouteContext): void {
  app.post('/api/v4/projects/:id/deployments', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const missing = ['environment', 'sha', 'ref', 'tag', 'status'].filter((n) => (stringParam(params, n) ?? '') === '');
    if (missing.length > 0) return c.json(missingParams(missing), 400);
    const status = stringParam(params, 'status') ?? '';
    if (!STATUSES.includes(status)) return c.json({ error: 'status does not have a valid value' }, 400);
    const sha = stringParam(params, 'sha') ?? '';
    if (!store.commitExists(project, sha)) return c.json({ message: { sha: ['The commit does not exist'] } }, 400);

    const name = stringParam(params, 'environment') ?? '';
    // GitLab creates the environment a deployment names, without a tier.
    const environment = findEnvironment(store, project.id, name) ?? addEnvironment(store, project.id, name, null, null);
    const now = store.now();
    const deployment: StoredDeployment = {
      id: store.nextId(),
      iid: store.deployments.filter((d) => d.projectId === project.id).length + 1,
      projectId: project.id,
      environment: { id: environment.id, name },
      sha,
      ref: stringParam(params, 'ref') ?? '',
      tag: stringParam(params, 'tag') === 'true',
      status,
      createdAt: now,
      updatedAt: now,
    };
    store.deployments.push(deployment);
    return c.json(deploymentEntity(store, deployment, new URL(c.req.url).origin), 201);
  });

  app.put('/api/v4/projects/:id/deployments/:deploymentId', (c) => {
    const project = c.get('project');
    const status = stringParam(c.get('params'), 'status');
    if (!status) return c.json(missingParams(['status']), 400);
    if (!STATUSES.includes(status)) return c.json({ error: 'status does not have a valid value' }, 400);
    const deployment = store.deployments.find((d) => d.projectId === project.id && String(d.id) === c.req.param('deploymentId'));
    if (!deployment) return c.json({ message: '404 Deployment Not Found' }, 404);
    deployment.status = status;
    deployment.updatedAt = store.now();
    return c.json(deploymentEntity(store, deployment, new URL(c.req.url).origin), 200);
  });

  app.get('/api/v4/projects/:id/deployments', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const environment = stringParam(params, 'environment');
    const status = stringParam(params, 'status');
    const matching = store.deployments.filter(
      (d) => d.projectId === project.id && (environment === undefined || d.environment.name === environment) && (status === undefined || d.status === status),
    );
    // Stored in creation (id) order, GitLab's default (`sort=asc`); `sort=desc` lists the newest first.
    const rows = stringParam(params, 'sort') === 'desc' ? [...matching].reverse() : matching;
    const origin = new URL(c.req.url).origin;
    const page = paginate(rows, params, c.req.url);
    return c.json(
      page.items.map((d) => deploymentEntity(store, d, origin)),
      200,
      page.headers,
    );
  });
}

function deploymentEntity(store: StandInStore, d: StoredDeployment, origin: string) {
  return {
    id: d.id,
    iid: d.iid,
    ref: d.ref,
    sha: d.sha,
    status: d.status,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    user: authorEntity(store, origin),
    environment: { id: d.environment.id, name: d.environment.name },
    deployable: null,
  };
}
