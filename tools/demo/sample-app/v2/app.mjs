import { createServer } from 'node:http';

export const VERSION = 'v2';

/** The sample app's HTTP server (not listening yet). */
export function createApp() {
  return createServer((req, res) => {
    const reply = (status, body, type = 'text/plain') => res.writeHead(status, { 'content-type': type }).end(body);
    if (req.url === '/healthz') return reply(200, 'ok\n');
    if (req.url === '/') return reply(200, `sample-app ${VERSION}\n`);
    if (req.url === '/version') return reply(200, `${JSON.stringify({ app: 'sample-app', version: VERSION })}\n`, 'application/json');
    return reply(404, 'not found\n');
  });
}
