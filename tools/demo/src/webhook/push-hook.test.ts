import { parseEvent } from '@sluice/gitlab';
import { describe, expect, it } from 'vitest';
import type { Push } from '../sample-app/repo.js';
import { pushHookPayload } from './push-hook.js';

const push: Push = {
  ref: 'refs/heads/main',
  before: '0'.repeat(40),
  after: 'b'.repeat(40),
  commits: [
    {
      sha: 'b'.repeat(40),
      message: 'v1: first\n\nbody\n',
      timestamp: '2026-04-02T09:00:00+02:00',
      author: { name: 'Dana Demo', email: 'dana@demo.test' },
      added: ['app.mjs'],
      modified: [],
      removed: [],
    },
  ],
};
const project = { id: 4242, path: 'demo/sample-app', name: 'Sample App', gitlabUrl: 'http://127.0.0.1:9000', httpUrl: 'http://127.0.0.1:9001/demo/sample-app.git' };
const user = { id: 7, name: 'Dana Demo', username: 'ddemo', email: 'dana@demo.test' };

describe('push hook payload', () => {
  it('parses, with the gateway’s GitLab parser, as the push it describes (branch, SHA, project and clone URL, pusher, commits)', () => {
    const event = parseEvent('Push Hook', pushHookPayload(push, project, user));
    expect(event).toMatchObject({
      kind: 'push',
      branch: 'main',
      created: true,
      after: push.after,
      sha: push.after,
      project: { id: 4242, path: 'demo/sample-app', gitHttpUrl: project.httpUrl },
      pusher: { username: 'ddemo' },
      commits: [{ sha: push.after, title: 'v1: first' }],
    });
  });

  it('lists each commit with its title, link and the files it touched', () => {
    const payload = pushHookPayload(push, project, user) as { commits: Record<string, unknown>[]; total_commits_count: number };
    expect(payload.total_commits_count).toBe(1);
    expect(payload.commits[0]).toMatchObject({
      id: push.after,
      title: 'v1: first',
      url: `http://127.0.0.1:9000/demo/sample-app/-/commit/${push.after}`,
      added: ['app.mjs'],
    });
  });

});
