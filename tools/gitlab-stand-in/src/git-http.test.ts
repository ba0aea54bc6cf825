import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitServer, type GitServer } from './git-http.js';

let git: GitServer;
beforeAll(async () => {
  git = await startGitServer({ username: 'sluice-ci', password: 'not-a-real-token' });
});
afterAll(async () => {
  await git?.close();
});

describe('the Git server', () => {
  it('answers 400 to a path it cannot decode (a stray %) and keeps serving', async () => {
    const url = await git.createRepository('team/app');
    expect((await fetch(`${git.baseUrl}/team/app%zz.git/info/refs?service=git-upload-pack`, { headers: { authorization: git.authorization } })).status).toBe(400);

    const refs = await fetch(`${url}/info/refs?service=git-upload-pack`, { headers: { authorization: git.authorization } });
    expect(refs.status).toBe(200);
    expect(refs.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
  });
});
