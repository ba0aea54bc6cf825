import { createServer } from 'node:http';

export const VERSION = 'v1';

/** The sample app's HTTP server (not listening yet). */
export function createApp() {
  return createServer((req, res) => {
    const reply = (status, body) => res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    if (req.url === '/healthz') return reply(200, 'ok\n');
    if (req.url === '/') return reply(200, `sample-app ${VERSION}\n`);
    return reply(404, 'not found\n');
  });
}
