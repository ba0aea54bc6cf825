import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createApp, VERSION } from './app.mjs';

let server;
let base;
before(async () => {
  server = createApp();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test('GET / names the version that answers', async () => {
  const res = await fetch(`${base}/`);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), `sample-app ${VERSION}\n`);
});

test('GET /version answers JSON', async () => {
  const res = await fetch(`${base}/version`);
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.deepEqual(await res.json(), { app: 'sample-app', version: VERSION });
});

test('GET /healthz is ok', async () => {
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
});

test('unknown paths are 404', async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
});
