import { describe, expect, it } from 'vitest';
import { createGitlabStandInApp } from './app.js';

const TOKEN = 'glpat-stand-in';
const SHA = 'c0ffee0000000000000000000000000000000001';
const KNOWN = 'c0ffee0000000000000000000000000000000002';

function setup() {
  return createGitlabStandInApp({
    token: TOKEN,
    now: () => new Date('2026-03-09T10:00:00Z'),
    projects: [
      { id: 7, path: 'team/app' },
      { id: 8, path: 'team/strict', defaultBranch: 'trunk', commits: [KNOWN] },
    ],
  });
}

type App = ReturnType<typeof setup>['app'];

function post(app: App, path: string, body: unknown, token: string | null = TOKEN) {
  return app.request(`/api/v4${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { 'private-token': token }) },
    body: JSON.stringify(body),
  });
}

const setStatus = (app: App, state: string, extra: Record<string, unknown> = {}) =>
  post(app, `/projects/7/statuses/${SHA}`, { state, name: 'sluice/test', ref: 'main', ...extra });

describe('authentication', () => {
  it('answers 401 without a token or with a wrong one, records the attempt and changes nothing', async () => {
    const { app, inspector } = setup();
    for (const token of [null, 'wrong']) {
      const res = await post(app, `/projects/7/statuses/${SHA}`, { state: 'running' }, token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: '401 Unauthorized' });
    }
    expect(inspector.requests().map((r) => [r.status, r.authenticated])).toEqual([
      [401, false],
      [401, false],
    ]);
    expect(inspector.statuses()).toEqual([]);
  });

  it('accepts the token as a Bearer header too and never records its value', async () => {
    const { app, inspector } = setup();
    const res = await app.request(`/api/v4/projects/7/statuses/${SHA}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'state=pending&name=form',
    });
    expect(res.status).toBe(201);
    expect(JSON.stringify(inspector.requests())).not.toContain(TOKEN);
    expect(inspector.statuses()[0]).toMatchObject({ name: 'form', status: 'pending' });
  });
});

describe('projects and commits', () => {
  it('finds a project by numeric id or URL-encoded path', async () => {
    const { app, inspector } = setup();
    expect((await post(app, `/projects/team%2Fapp/statuses/${SHA}`, { state: 'pending', name: 'a' })).status).toBe(201);
    expect((await post(app, `/projects/7/statuses/${SHA}`, { state: 'pending', name: 'b' })).status).toBe(201);
    expect(inspector.statuses({ projectId: 'team/app' }).map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('answers 404 Project Not Found for an unknown project', async () => {
    const res = await post(setup().app, `/projects/99/statuses/${SHA}`, { state: 'pending' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: '404 Project Not Found' });
  });

  it('answers 404 Commit Not Found for a SHA the project does not have', async () => {
    const { app } = setup();
    const unknown = await post(app, `/projects/8/statuses/${SHA}`, { state: 'pending' });
    expect([unknown.status, await unknown.json()]).toEqual([404, { message: '404 Commit Not Found' }]);
    expect((await post(app, '/projects/7/statuses/abc1234', { state: 'pending' })).status).toBe(404);
    const known = await post(app, `/projects/8/statuses/${KNOWN}`, { state: 'pending' });
    expect(await known.json()).toMatchObject({ ref: 'trunk', name: 'default' });
  });
});

describe('commit statuses', () => {
  it('moves one status through pending → running → success and answers GitLab’s entity', async () => {
    const { app, inspector } = setup();
    await setStatus(app, 'pending');
    await setStatus(app, 'running', { description: 'testing' });
    const res = await setStatus(app, 'success', { target_url: 'https://sluice.test/d/1' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      sha: SHA,
      ref: 'main',
      status: 'success',
      name: 'sluice/test',
      description: 'testing',
      target_url: 'https://sluice.test/d/1',
      allow_failure: false,
      started_at: '2026-03-09T10:00:00.000Z',
      finished_at: '2026-03-09T10:00:00.000Z',
      author: { username: 'sluice-bot' },
    });
    expect(inspector.statuses()).toHaveLength(1);
  });

  it('answers 400 with GitLab’s exact message for running → running and pending → pending', async () => {
    const { app, inspector } = setup();
    await setStatus(app, 'running');
    const again = await setStatus(app, 'running');
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      message: 'Cannot transition status via :run from :running (Reason(s): Status cannot transition via "run")',
    });
    const back = await setStatus(app, 'pending');
    expect(await back.json()).toEqual({
      message: 'Cannot transition status via :enqueue from :running (Reason(s): Status cannot transition via "enqueue")',
    });
    expect(inspector.statuses()[0]?.status).toBe('running');
  });

  it('starts a new row after a final state and marks the old one retried', async () => {
    const { app, inspector } = setup();
    await setStatus(app, 'failed');
    await setStatus(app, 'running');
    expect(inspector.statuses().map((s) => [s.status, s.retried])).toEqual([
      ['failed', true],
      ['running', false],
    ]);
    const latest = await app.request(`/api/v4/projects/7/repository/commits/${SHA}/statuses`, { headers: { 'private-token': TOKEN } });
    expect(((await latest.json()) as Array<{ status: string }>).map((s) => s.status)).toEqual(['running']);
    expect(latest.headers.get('x-total')).toBe('1');
    const all = await app.request(`/api/v4/projects/7/repository/commits/${SHA}/statuses?all=true`, { headers: { 'private-token': TOKEN } });
    expect(((await all.json()) as Array<{ status: string }>).map((s) => s.status)).toEqual(['failed', 'running']);
  });

  it('keeps statuses with different names or refs apart', async () => {
    const { app, inspector } = setup();
    await setStatus(app, 'running');
    await setStatus(app, 'running', { name: 'sluice/deploy' });
    await setStatus(app, 'running', { ref: 'release' });
    expect(inspector.statuses().map((s) => `${s.name}@${s.ref}:${s.status}`)).toEqual([
      'sluice/test@main:running',
      'sluice/deploy@main:running',
      'sluice/test@release:running',
    ]);
  });

  it('validates state, lengths and pipeline_id as GitLab does', async () => {
    const { app } = setup();
    expect(await (await post(app, `/projects/7/statuses/${SHA}`, { name: 'x' })).json()).toEqual({ message: 'State is required' });
    expect((await post(app, `/projects/7/statuses/${SHA}`, { state: 'done' })).status).toBe(400);
    const long = await setStatus(app, 'pending', { description: 'x'.repeat(256) });
    expect([long.status, await long.json()]).toEqual([400, { message: { description: ['is too long (maximum is 255 characters)'] } }]);
    const pipeline = await setStatus(app, 'pending', { pipeline_id: 424242 });
    expect([pipeline.status, await pipeline.json()]).toEqual([404, { message: '404 Pipeline for pipeline_id, sha and ref Not Found' }]);
  });
});

describe('deployments, notes and comments', () => {
  it('creates and updates a deployment, requiring every parameter', async () => {
    const { app, inspector } = setup();
    const missing = await post(app, '/projects/7/deployments', { environment: 'production', sha: SHA });
    expect([missing.status, await missing.json()]).toEqual([400, { error: 'ref is missing, tag is missing, status is missing' }]);
    const created = await post(app, '/projects/7/deployments', { environment: 'production', sha: SHA, ref: 'main', tag: false, status: 'running' });
    const body = (await created.json()) as { id: number };
    expect(created.status).toBe(201);
    expect(body).toMatchObject({ iid: 1, status: 'running', environment: { name: 'production' } });
    const updated = await app.request(`/api/v4/projects/7/deployments/${body.id}`, {
      method: 'PUT',
      headers: { 'private-token': TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'success' }),
    });
    expect(await updated.json()).toMatchObject({ id: body.id, status: 'success' });
    expect(inspector.deployments()).toMatchObject([{ status: 'success', tag: false, ref: 'main' }]);
    const strict = await post(app, '/projects/8/deployments', { environment: 'p', sha: SHA, ref: 'trunk', tag: false, status: 'running' });
    expect(await strict.json()).toEqual({ message: { sha: ['The commit does not exist'] } });
  });

  it('creates, lists by name and edits environments, validating the tier', async () => {
    const { app, inspector } = setup();
    const put = (path: string, body: unknown) =>
      app.request(`/api/v4${path}`, { method: 'PUT', headers: { 'private-token': TOKEN, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const get = (path: string) => app.request(`/api/v4${path}`, { headers: { 'private-token': TOKEN } });
    expect([(await post(app, '/projects/7/environments', {})).status]).toEqual([400]);
    const bad = await post(app, '/projects/7/environments', { name: 'staging', tier: 'prod' });
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'tier does not have a valid value' }]);
    const created = await post(app, '/projects/7/environments', { name: 'staging', tier: 'staging' });
    const body = (await created.json()) as { id: number };
    expect(created.status).toBe(201);
    expect(body).toMatchObject({ name: 'staging', tier: 'staging', state: 'available', external_url: null });
    expect((await post(app, '/projects/7/environments', { name: 'staging' })).status).toBe(400);
    await post(app, '/projects/7/environments', { name: 'staging-eu' });
    const listed = await get('/projects/7/environments?name=staging');
    expect(((await listed.json()) as { id: number }[]).map((e) => e.id)).toEqual([body.id]);
    expect(((await (await get('/projects/7/environments')).json()) as unknown[]).length).toBe(2);
    expect((await put(`/projects/7/environments/${body.id}`, { tier: 'nope' })).status).toBe(400);
    expect((await put('/projects/7/environments/999999', { tier: 'other' })).status).toBe(404);
    const edited = await put(`/projects/7/environments/${body.id}`, { tier: 'other' });
    expect([edited.status, await edited.json()]).toEqual([200, expect.objectContaining({ id: body.id, tier: 'other' })]);
    expect(inspector.environments({ projectId: 'team/app' }).map((e) => [e.name, e.tier])).toEqual([
      ['staging', 'other'],
      ['staging-eu', null],
    ]);
  });

  it('creates the environment a deployment names, without a tier, once', async () => {
    const { app, inspector } = setup();
    const deploy = () => post(app, '/projects/7/deployments', { environment: 'review', sha: SHA, ref: 'main', tag: false, status: 'running' });
    expect((await deploy()).status).toBe(201);
    expect((await deploy()).status).toBe(201);
    expect(inspector.environments()).toMatchObject([{ projectId: 7, name: 'review', tier: null }]);
    expect(inspector.deployments().map((d) => d.environment.id)).toEqual([inspector.environments()[0]?.id, inspector.environments()[0]?.id]);
  });

  it('applies injected faults to environment calls', async () => {
    const { app, inspector } = setup();
    inspector.inject({ status: 503, path: '/environments' });
    expect((await post(app, '/projects/7/environments', { name: 'staging', tier: 'staging' })).status).toBe(503);
    expect(inspector.environments()).toEqual([]);
    expect((await post(app, '/projects/7/environments', { name: 'staging', tier: 'staging' })).status).toBe(201);
  });

  it('records merge request notes and commit comments', async () => {
    const { app, inspector } = setup();
    expect((await post(app, '/projects/7/merge_requests/12/notes', { body: 'Deployed to staging' })).status).toBe(201);
    expect((await post(app, '/projects/7/merge_requests/12/notes', {})).status).toBe(400);
    expect((await post(app, `/projects/7/repository/commits/${SHA}/comments`, { note: 'Tests failed' })).status).toBe(201);
    expect(inspector.notes()).toMatchObject([{ projectId: 7, mergeRequestIid: 12, body: 'Deployed to staging' }]);
    expect(inspector.commitComments()).toMatchObject([{ sha: SHA, note: 'Tests failed' }]);
  });

  it('lists a merge request’s notes newest first (oldest first with sort=asc) and a commit’s comments', async () => {
    const { app } = setup();
    for (const body of ['first', 'second']) await post(app, '/projects/7/merge_requests/12/notes', { body });
    await post(app, '/projects/7/merge_requests/13/notes', { body: 'elsewhere' });
    await post(app, `/projects/7/repository/commits/${SHA}/comments`, { note: 'on the commit' });
    const list = async (path: string) => (await app.request(`/api/v4${path}`, { headers: { 'private-token': TOKEN } })).json() as Promise<Record<string, unknown>[]>;
    expect((await list('/projects/7/merge_requests/12/notes')).map((n) => n['body'])).toEqual(['second', 'first']);
    expect((await list('/projects/7/merge_requests/12/notes?sort=asc')).map((n) => n['body'])).toEqual(['first', 'second']);
    expect(await list(`/projects/7/repository/commits/${SHA}/comments`)).toMatchObject([{ note: 'on the commit', author: { username: expect.any(String) } }]);
  });
});

describe('fault injection', () => {
  it('answers the injected status for the next N matching calls, then behaves normally', async () => {
    const { app, inspector } = setup();
    inspector.inject({ status: 429, retryAfter: 7, times: 2 });
    const first = await setStatus(app, 'running');
    expect([first.status, first.headers.get('retry-after'), await first.text()]).toEqual([429, '7', 'Retry later\n']);
    expect((await setStatus(app, 'running')).status).toBe(429);
    expect((await setStatus(app, 'running')).status).toBe(201);
    expect(inspector.requests().map((r) => [r.status, r.fault])).toEqual([
      [429, true],
      [429, true],
      [201, false],
    ]);
  });

  it('answers 409 and 500 with GitLab’s messages and only on matching paths', async () => {
    const { app, inspector } = setup();
    inspector.inject({ status: 409, path: '/statuses/' });
    inspector.inject({ status: 500, method: 'POST', path: /\/notes$/ });
    expect((await post(app, '/projects/7/merge_requests/1/notes', { body: 'x' })).status).toBe(500);
    const locked = await setStatus(app, 'running');
    expect([locked.status, await locked.json()]).toEqual([409, { message: 'Another update to this commit status is in progress' }]);
    expect(inspector.statuses()).toEqual([]);
  });

  it('can delay an answer without failing it', async () => {
    const { app, inspector } = setup();
    inspector.inject({ delayMs: 150 });
    const started = Date.now();
    expect((await setStatus(app, 'running')).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('refuses a fault with neither status nor delay, and reset forgets everything', async () => {
    const { app, inspector } = setup();
    expect(() => inspector.inject({ times: 2 })).toThrow(/status, a delayMs/);
    inspector.inject({ status: 500, times: 5 });
    await setStatus(app, 'running');
    inspector.reset();
    expect(inspector.requests()).toEqual([]);
    expect((await setStatus(app, 'running')).status).toBe(201);
  });
});

it('answers GitLab’s 404 for routes it does not implement', async () => {
  const res = await setup().app.request('/api/v4/projects/7/pipelines', { headers: { 'private-token': TOKEN } });
  expect([res.status, await res.json()]).toEqual([404, { error: '404 Not Found' }]);
});

it('refuses options that cannot work', () => {
  expect(() => createGitlabStandInApp({ token: '', projects: [{ id: 1, path: 'a/b' }] })).toThrow(/invalid GitLab stand-in options/);
  expect(() => createGitlabStandInApp({ token: 't', projects: [{ id: 1, path: 'a/b' }, { id: 1, path: 'c/d' }] })).toThrow(/unique/);
});
