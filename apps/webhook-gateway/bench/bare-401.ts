/**
 * The bad-token benchmark's baseline: a bare Node HTTP server that answers
 * every request 401 with the gateway's rejection body, doing nothing else.
 * What Node itself allows on one core; the gateway's reject path is compared
 * with it on the same core, under the same load. Prints its port.
 */
import { createServer } from 'node:http';

const BODY = JSON.stringify({ status: 'rejected', reason: 'bad_token' });
const server = createServer((_req, res) => {
  res.writeHead(401, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
  res.end(BODY);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(typeof address === 'object' && address !== null ? address.port : 0);
});
process.on('SIGTERM', () => process.exit(0));
