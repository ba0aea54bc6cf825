import type { Hono } from 'hono';
import { missingParams, paginate, stringParam, type RouteContext, type StandInEnv } from '../env.js';
import type { StandInStore, StoredEnvironment } from '../store.js';

const TIERS = ['production', 'staging', 'testing', 'development', 'other'];

/** The environment `name` of project `projectId`, if any. */
export function findEnvironment(store: StandInStore, projectId: number, name: string): StoredEnvironment | undefined {
  return store.environments.find((e) => e.projectId === projectId && e.name === name);
}

/** Records a new environment; `tier` is `null` for one a deployment created. */
export function addEnvironment(store: StandInStore, projectId: number, name: string, tier: string | null, externalUrl: string | null): StoredEnvironment {
  const now = store.now();
  const environment: StoredEnvironment = { id: store.nextId(), projectId, name, tier, externalUrl, createdAt: now, updatedAt: now };
  store.environments.push(environment);
  return environment;
}

/** `GET`, `POST` and `PUT` environments, following lib/api/environments.rb (`tier` validated against GitLab's five tiers). */
export function environmentRoutes(app: Hono<StandInEnv>, { store }: RouteContext): void {
  app.get('/api/v4/projects/:id/environments', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const name = stringParam(params, 'name');
    const rows = store.environments.filter((e) => e.projectId === project.id && (name === undefined || e.name === name));
    const page = paginate(rows, params, c.req.url);
    return c.json(page.items.map(environmentEntity), 200, page.headers);
  });

  app.post('/api/v4/projects/:id/environments', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const name = stringParam(params, 'name') ?? '';
    if (name === '') return c.json(missingParams(['name']), 400);
    const tier = stringParam(params, 'tier');
    if (tier !== undefined && !TIERS.includes(tier)) return c.json({ error: 'tier does not have a valid value' }, 400);
    if (findEnvironment(store, project.id, name)) return c.json({ message: { name: ['has already been taken'] } }, 400);
    const environment = addEnvironment(store, project.id, name, tier ?? null, stringParam(params, 'external_url') ?? null);
    return c.json(environmentEntity(environment), 201);
  });

  app.put('/api/v4/projects/:id/environments/:environmentId', (c) => {
    const project = c.get('project');
    const params = c.get('params');
    const tier = stringParam(params, 'tier');
    if (tier !== undefined && !TIERS.includes(tier)) return c.json({ error: 'tier does not have a valid value' }, 400);
    const environment = store.environments.find((e) => e.projectId === project.id && String(e.id) === c.req.param('environmentId'));
    if (!environment) return c.json({ message: '404 Environment Not Found' }, 404);
    if (tier !== undefined) environment.tier = tier;
    const externalUrl = stringParam(params, 'external_url');
    if (externalUrl !== undefined) environment.externalUrl = externalUrl;
    environment.updatedAt = store.now();
    return c.json(environmentEntity(environment), 200);
  });
}

function environmentEntity(e: StoredEnvironment) {
  return {
    id: e.id,
    name: e.name,
    slug: e.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    external_url: e.externalUrl,
    state: 'available',
    tier: e.tier,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}
