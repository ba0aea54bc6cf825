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

  it('binds the address and port it is given, and says so when the port is taken', async () => {
    const port = Number(new URL(git.baseUrl).port);
    const credentials = { username: 'sluice-ci', password: 'not-a-real-token' };
    await expect(startGitServer(credentials, { port })).rejects.toThrow(`the Git server cannot listen on 127.0.0.1:${port}: the port is taken`);
    await expect(startGitServer(credentials, { hostname: '192.0.2.1', port })).rejects.toThrow(
      `the Git server cannot listen on 192.0.2.1:${port}: no interface of this machine has that address`,
    );
    const other = await startGitServer(credentials, { hostname: '127.0.0.2', port });
    try {
      const url = await other.createRepository('team/other');
      expect(url).toBe(`http://127.0.0.2:${port}/team/other.git`);
      expect((await fetch(`${url}/info/refs?service=git-upload-pack`, { headers: { authorization: other.authorization } })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
