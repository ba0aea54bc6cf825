import { createServer } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';

export const VERSION = 'v4';

const BANNER = 'sample-app {version}';

// v4: a response cache, warmed in the background from the moment the service
// starts serving (its first request that is not a kubelet probe). It never
// evicts: 4.5 or 9 s later it is over its budget and /healthz reports the
// service unhealthy. The tests finish long before that. The budget depends on
// the pod's address, so a Deployment's pods do not all turn unhealthy in the
// same instant (as real leaks do not): pods started together get consecutive
// addresses, one even, one odd, 4.5 s apart.
const CACHE_BUDGET = 8 + 9 * (podNumber() % 2);
const WARM_EVERY_MS = 500;

/** The last byte of the pod's IPv4 address (of its host name's characters where there is none). */
function podNumber() {
  const addresses = Object.values(networkInterfaces()).flat();
  const own = addresses.find((a) => a && a.family === 'IPv4' && !a.internal);
  return own ? Number(own.address.split('.').at(-1)) : [...hostname()].reduce((sum, c) => sum + c.charCodeAt(0), 0);
}

/** The sample app's HTTP server (not listening yet). */
export function createApp() {
  const cache = [];
  let warming;
  const startWarming = () => {
    warming ??= setInterval(() => cache.push(Buffer.alloc(64 * 1024)), WARM_EVERY_MS);
    warming.unref();
  };
  const server = createServer((req, res) => {
    if (!String(req.headers['user-agent']).startsWith('kube-probe/')) startWarming();
    const reply = (status, body, type = 'text/plain') => res.writeHead(status, { 'content-type': type }).end(body);
    if (req.url === '/healthz') return cache.length <= CACHE_BUDGET ? reply(200, 'ok\n') : reply(500, `cache over budget: ${cache.length} entries\n`);
    if (req.url === '/') return reply(200, `${BANNER.replace('{version}', VERSION)}\n`);
    if (req.url === '/version') return reply(200, `${JSON.stringify({ app: 'sample-app', version: VERSION })}\n`, 'application/json');
    return reply(404, 'not found\n');
  });
  server.on('close', () => clearInterval(warming));
  return server;
}
