// Integration: @sluice/gitlab's GitlabClient (real gitbeaker, real HTTP) against the stand-in.
// It lives here because libs may not depend on tools.
import { GitlabClient, dispatcherTrusting, type SetCommitStatusInput } from '@sluice/gitlab';
import { selfSignedCertificate } from '@sluice/gitlab/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startGitlabStandIn, type GitlabStandIn } from './server.js';

const TOKEN = 'glpat-integration';
const SHA = 'a84774805e49d7fd67243f0bbad5c49c88f9ad60';
const NOW = new Date('2026-03-09T10:00:00Z');

let gitlab: GitlabStandIn;
let client: GitlabClient;

beforeAll(async () => {
  gitlab = await startGitlabStandIn({ port: 0, token: TOKEN, projects: [{ id: 4217, path: 'storefront/checkout-api' }] });
  client = new GitlabClient({ host: gitlab.url, token: TOKEN, timeoutMs: 2_000, now: () => NOW });
});
afterAll(() => gitlab.close());
beforeEach(() => gitlab.reset());

const status = (state: SetCommitStatusInput['state'], extra: Partial<SetCommitStatusInput> = {}) =>
  client.setCommitStatus({ projectId: 4217, sha: SHA, state, name: 'sluice/test', ref: 'main', ...extra });

describe('setCommitStatus', () => {
  it('posts the status and maps GitLab’s answer', async () => {
    const outcome = await status('running', { description: 'Running tests', targetUrl: 'https://sluice.test/d/1' });
    expect(outcome).toMatchObject({
      kind: 'ok',
      value: { sha: SHA, ref: 'main', status: 'running', name: 'sluice/test', description: 'Running tests', targetUrl: 'https://sluice.test/d/1' },
    });
    const [request] = gitlab.requests();
    expect(request).toMatchObject({
      method: 'POST',
      path: `/api/v4/projects/4217/statuses/${SHA}`,
      authenticated: true,
      body: { state: 'running', name: 'sluice/test', ref: 'main', description: 'Running tests', target_url: 'https://sluice.test/d/1' },
    });
    expect(gitlab.statuses()).toMatchObject([{ status: 'running', name: 'sluice/test' }]);
  });

  it('addresses a project by path, URL-encoded', async () => {
    expect(await status('pending', { projectId: 'storefront/checkout-api' })).toMatchObject({ kind: 'ok' });
    expect(gitlab.requests()[0]?.path).toBe(`/api/v4/projects/storefront%2Fcheckout-api/statuses/${SHA}`);
  });

  it('maps 400 "Cannot transition status" to already, with the state GitLab reports', async () => {
    await status('running');
    const outcome = await status('running');
    expect(outcome).toEqual({
      kind: 'already',
      httpStatus: 400,
      message: 'Cannot transition status via :run from :running (Reason(s): Status cannot transition via "run")',
      currentState: 'running',
    });
  });

  it('maps 409 to locked', async () => {
    gitlab.inject({ status: 409 });
    expect(await status('running')).toEqual({
      kind: 'locked',
      httpStatus: 409,
      message: 'Another update to this commit status is in progress',
      retryAfterMs: null,
    });
  });

  it('maps 429 to retryable with Retry-After in ms, after one request (gitbeaker’s blind retries are off)', async () => {
    gitlab.inject({ status: 429, retryAfter: 30, times: 20 });
    expect(await status('running')).toEqual({ kind: 'retryable', httpStatus: 429, message: 'HTTP 429', retryAfterMs: 30_000 });
    expect(gitlab.requests()).toHaveLength(1);
  });

  it('reads an HTTP-date Retry-After against the injected clock', async () => {
    gitlab.inject({ status: 429, retryAfter: 'Mon, 09 Mar 2026 10:00:45 GMT' });
    expect(await status('running')).toMatchObject({ kind: 'retryable', retryAfterMs: 45_000 });
  });

  it('does not re-send a POST after a 502 (GitLab may have applied it)', async () => {
    gitlab.inject({ status: 502, times: 3 });
    expect(await status('running')).toMatchObject({ kind: 'retryable', httpStatus: 502 });
    expect(gitlab.requests()).toHaveLength(1);
  });

  it('maps 500 and 503 to retryable, keeping GitLab’s message and Retry-After', async () => {
    gitlab.inject({ status: 500 });
    expect(await status('running')).toEqual({ kind: 'retryable', httpStatus: 500, message: '500 Internal Server Error', retryAfterMs: null });
    gitlab.inject({ status: 503, retryAfter: 5 });
    expect(await status('running')).toMatchObject({ kind: 'retryable', httpStatus: 503, retryAfterMs: 5_000 });
  });

  it('maps a timeout to retryable, although GitLab may still apply the change', async () => {
    gitlab.inject({ delayMs: 600 });
    const impatient = new GitlabClient({ host: gitlab.url, token: TOKEN, timeoutMs: 200 });
    const outcome = await impatient.setCommitStatus({ projectId: 4217, sha: SHA, state: 'running', name: 'sluice/test', ref: 'main' });
    expect(outcome).toEqual({ kind: 'retryable', httpStatus: null, message: 'request timed out', retryAfterMs: null });
    await vi.waitFor(() => expect(gitlab.statuses()).toMatchObject([{ status: 'running' }]), { timeout: 2_000 });
  });

  it('maps other 4xx to rejected with GitLab’s message', async () => {
    expect(await status('running', { sha: 'abc1234' })).toEqual({ kind: 'rejected', httpStatus: 404, message: '404 Commit Not Found' });
    expect(await status('running', { projectId: 1 })).toEqual({ kind: 'rejected', httpStatus: 404, message: '404 Project Not Found' });
    const unauthorized = new GitlabClient({ host: gitlab.url, token: 'wrong' });
    expect(await unauthorized.setCommitStatus({ projectId: 4217, sha: SHA, state: 'running', name: 'n', ref: 'main' })).toEqual({
      kind: 'rejected',
      httpStatus: 401,
      message: '401 Unauthorized',
    });
  });

  it('truncates the description to 255 characters and drops an over-long target URL', async () => {
    const outcome = await status('success', { description: 'é'.repeat(400), targetUrl: `https://sluice.test/${'x'.repeat(300)}` });
    expect(outcome).toMatchObject({ kind: 'ok' });
    const body = gitlab.requests()[0]?.body as Record<string, unknown>;
    expect(Array.from(String(body.description))).toHaveLength(255);
    expect(body).not.toHaveProperty('target_url');
  });

  it('posts skipped, which gitbeaker’s types leave out', async () => {
    expect(await status('skipped')).toMatchObject({ kind: 'ok', value: { status: 'skipped' } });
  });
});

describe('other calls', () => {
  it('lists statuses, latest per name unless all', async () => {
    await status('failed');
    await status('running');
    expect(await client.listCommitStatuses(4217, SHA)).toMatchObject({ kind: 'ok', value: [{ status: 'running' }] });
    const all = await client.listCommitStatuses(4217, SHA, { all: true });
    expect(all.kind === 'ok' && all.value.map((s) => s.status)).toEqual(['failed', 'running']);
  });

  it('creates and updates a deployment', async () => {
    const created = await client.createDeployment({ projectId: 4217, environment: 'production', sha: SHA, ref: 'main', tag: false, status: 'running' });
    expect(created).toMatchObject({ kind: 'ok', value: { sha: SHA, ref: 'main', status: 'running', environment: 'production' } });
    if (created.kind !== 'ok') throw new Error('unreachable');
    expect(await client.updateDeployment(4217, created.value.id, 'success')).toMatchObject({ kind: 'ok', value: { status: 'success' } });
    expect(gitlab.deployments()).toMatchObject([{ status: 'success', environment: { name: 'production' } }]);
    expect(await client.updateDeployment(4217, 999_999, 'failed')).toMatchObject({ kind: 'rejected', httpStatus: 404 });
  });

  it("lists an environment's deployments newest first, with when each was created", async () => {
    const deploy = (environment: string) => client.createDeployment({ projectId: 4217, environment, sha: SHA, ref: 'main', tag: false, status: 'running' });
    const ids = [];
    for (const environment of ['production', 'staging', 'production', 'production']) {
      const created = await deploy(environment);
      if (created.kind === 'ok' && environment === 'production') ids.push(created.value.id);
    }
    const listed = await client.listDeployments(4217, 'production');
    expect(listed.kind === 'ok' && listed.value.map((d) => d.id)).toEqual([...ids].reverse());
    expect(listed.kind === 'ok' && listed.value.every((d) => !Number.isNaN(Date.parse(d.createdAt ?? '')))).toBe(true);
  });

  it('ensures an environment tier: creates, then leaves alone, then edits a deployment-created one', async () => {
    expect(await client.ensureEnvironment({ projectId: 4217, name: 'staging', tier: 'staging' })).toMatchObject({
      kind: 'ok',
      value: { name: 'staging', tier: 'staging', externalUrl: null },
    });
    expect(await client.ensureEnvironment({ projectId: 4217, name: 'staging', tier: 'staging' })).toMatchObject({ kind: 'ok', value: { tier: 'staging' } });
    await client.createDeployment({ projectId: 4217, environment: 'review', sha: SHA, ref: 'main', tag: false, status: 'running' });
    expect(await client.ensureEnvironment({ projectId: 4217, name: 'review', tier: 'other' })).toMatchObject({ kind: 'ok', value: { tier: 'other' } });
    expect(gitlab.environments().map((e) => [e.name, e.tier])).toEqual(
      expect.arrayContaining([
        ['staging', 'staging'],
        ['review', 'other'],
      ]),
    );
    expect(gitlab.requests({ path: '/environments' }).map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'GET', 'PUT']);
  });

  it('posts a merge request note and a commit comment', async () => {
    expect(await client.createMergeRequestNote(4217, 57, 'Deployed to **staging**')).toMatchObject({ kind: 'ok', value: { body: 'Deployed to **staging**' } });
    expect(await client.createCommitComment(4217, SHA, 'Tests failed: 3 of 120')).toEqual({ kind: 'ok', value: { note: 'Tests failed: 3 of 120' } });
    expect(gitlab.notes()).toMatchObject([{ mergeRequestIid: 57 }]);
    expect(gitlab.commitComments()).toMatchObject([{ sha: SHA }]);
  });
});

describe('custom CA (self-managed GitLab over HTTPS)', () => {
  const certificate = selfSignedCertificate();

  it.skipIf(certificate === undefined)('trusts a private CA through the dispatcher option', async () => {
    const { key, cert } = certificate as NonNullable<typeof certificate>;
    const https = await startGitlabStandIn({ token: TOKEN, projects: [{ id: 1, path: 'a/b' }], tls: { key, cert } });
    try {
      const untrusted = new GitlabClient({ host: https.url, token: TOKEN });
      expect(await untrusted.createCommitComment(1, SHA, 'x')).toMatchObject({
        kind: 'retryable',
        httpStatus: null,
        message: 'network error: DEPTH_ZERO_SELF_SIGNED_CERT',
      });
      const trusted = new GitlabClient({ host: https.url, token: TOKEN, dispatcher: await dispatcherTrusting(cert) });
      expect(await trusted.createCommitComment(1, SHA, 'x')).toMatchObject({ kind: 'ok' });
    } finally {
      await https.close();
    }
  });
});
