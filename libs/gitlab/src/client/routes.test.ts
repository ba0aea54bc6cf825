import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitlabClient } from './gitlab-client.js';
import { describeGitlabRequest, type GitlabOperation } from './routes.js';

const SHA = 'a84774805e49d7fd67243f0bbad5c49c88f9ad60';

describe('describeGitlabRequest', () => {
  it('names a client endpoint by its operation and URL template, under a path prefix too', () => {
    expect(describeGitlabRequest('POST', '/api/v4/projects/7781/statuses/abc')).toEqual({ operation: 'status', urlTemplate: '/api/v4/projects/{id}/statuses/{sha}' });
    expect(describeGitlabRequest('GET', '/gitlab/api/v4/projects/team%2Fapp/repository/commits/abc/statuses?ref=main')).toEqual({
      operation: 'status',
      urlTemplate: '/api/v4/projects/{id}/repository/commits/{sha}/statuses',
    });
    expect(describeGitlabRequest('put', '/api/v4/projects/1/deployments/9')?.operation).toBe('deployment');
    expect(describeGitlabRequest('POST', '/api/v4/projects/1/merge_requests/3/notes')?.operation).toBe('note');
  });

  it('names any other request `other`, without a template', () => {
    expect(describeGitlabRequest('DELETE', '/api/v4/projects/1/environments/2')).toEqual({ operation: 'other' });
    expect(describeGitlabRequest('GET', '/api/v4/version')).toEqual({ operation: 'other' });
  });
});

describe('every request GitlabClient sends', () => {
  const seen: { method: string; path: string }[] = [];
  let server: Server;
  let client: GitlabClient;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({ method: req.method ?? '', path: url.pathname });
      req.resume();
      req.on('end', () => {
        res.writeHead(req.method === 'GET' ? 200 : 404, { 'content-type': 'application/json' });
        // The environment lookup finds `old` (so its tier is edited) and not `new` (so it is created).
        if (req.method === 'GET') return res.end(url.searchParams.get('name') === 'old' ? '[{"id":3,"name":"old","tier":null}]' : '[]');
        res.end('{"message":"404 Not Found"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new GitlabClient({ host: `http://127.0.0.1:${(server.address() as AddressInfo).port}/gitlab`, token: 'glpat-routes' });
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  // One entry per public method: a method added to the client without one here fails the first test.
  const calls: Record<string, { call: (c: GitlabClient) => Promise<unknown>; operations: GitlabOperation[] }> = {
    setCommitStatus: { call: (c) => c.setCommitStatus({ projectId: 1, sha: SHA, state: 'running', name: 'sluice/test', ref: 'main' }), operations: ['status'] },
    listCommitStatuses: { call: (c) => c.listCommitStatuses('team/app', SHA, { ref: 'main' }), operations: ['status'] },
    createDeployment: {
      call: (c) => c.createDeployment({ projectId: 1, environment: 'production', sha: SHA, ref: 'main', tag: false, status: 'running' }),
      operations: ['deployment'],
    },
    updateDeployment: { call: (c) => c.updateDeployment(1, 9, 'success'), operations: ['deployment'] },
    listDeployments: { call: (c) => c.listDeployments(1, 'production'), operations: ['deployment'] },
    ensureEnvironment: {
      call: async (c) => {
        await c.ensureEnvironment({ projectId: 1, name: 'new', tier: 'staging' });
        await c.ensureEnvironment({ projectId: 1, name: 'old', tier: 'production' });
      },
      operations: ['environment', 'environment', 'environment', 'environment'],
    },
    createMergeRequestNote: { call: (c) => c.createMergeRequestNote(1, 3, 'hi'), operations: ['note'] },
    createCommitComment: { call: (c) => c.createCommitComment(1, SHA, 'hi'), operations: ['note'] },
    listMergeRequestNotes: { call: (c) => c.listMergeRequestNotes(1, 3), operations: ['note'] },
    listCommitComments: { call: (c) => c.listCommitComments(1, SHA), operations: ['note'] },
  };

  it('is covered here: one entry per public method of the client', () => {
    const methods = Object.getOwnPropertyNames(GitlabClient.prototype).filter((name) => name !== 'constructor');
    expect(methods.sort()).toEqual(Object.keys(calls).sort());
  });

  it.each(Object.entries(calls))('%s: is named by its operation and URL template, never `other`', async (_method, { call, operations }) => {
    seen.length = 0;
    await call(client);
    const described = seen.map((r) => describeGitlabRequest(r.method, r.path));
    expect(described.map((d) => d.operation)).toEqual(operations);
    expect(described.every((d) => d.urlTemplate !== undefined)).toBe(true);
  });
});
