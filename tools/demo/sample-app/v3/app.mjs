import { createServer } from 'node:http';

export const VERSION = 'v3';

// v3: the banner comes from a template now.
const BANNER = 'sample-app {version}';

/** The sample app's HTTP server (not listening yet). */
export function createApp() {
  return createServer((req, res) => {
    const reply = (status, body, type = 'text/plain') => res.writeHead(status, { 'content-type': type }).end(body);
    if (req.url === '/healthz') return reply(200, 'ok\n');
    if (req.url === '/') return reply(200, `${BANNER.replace('{versoin}', VERSION)}\n`);
    if (req.url === '/version') return reply(200, `${JSON.stringify({ app: 'sample-app', version: VERSION })}\n`, 'application/json');
    return reply(404, 'not found\n');
  });
}
