/**
 * The accepted-webhook baseline: the least a Node process can do to turn a
 * signed push into a Delivery, with nothing but `node:http`, `node:https`
 * and `node:crypto`. It checks the Standard Webhooks signature (HMAC-SHA256,
 * constant time), parses the JSON, POSTs a Delivery (a template with the
 * push's SHA and branch, under a new name) to the apiserver on kept-alive TLS
 * connections, parses the answer and answers 202; and it keeps every
 * Delivery of the namespace from one watch, each line parsed, as any
 * de-duplicating intake must. No framework, no schema, no telemetry, no
 * logging. What the gateway's CPU per webhook is compared with, same load,
 * same stored state.
 *
 * Env: `BARE_KUBECONFIG` (a JSON kubeconfig with a token, as the bench
 * writes for the gateway), `BARE_NAMESPACE`, `BARE_SIGNING` (`whsec_…`),
 * `BARE_TEMPLATE` (a Delivery as JSON), `BARE_APPLICATIONS` (`{"<project
 * id>": "<Application>"}`: the Application label a project's Deliveries get,
 * as an intake routes them). Prints its port.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Agent, request } from 'node:https';

const env = (name: string): string => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
const kubeconfig = JSON.parse(readFileSync(env('BARE_KUBECONFIG'), 'utf8'));
const server = new URL(kubeconfig.clusters[0].cluster.server);
const agent = new Agent({ keepAlive: true, maxSockets: 32, ca: Buffer.from(kubeconfig.clusters[0].cluster['certificate-authority-data'], 'base64') });
const auth = `Bearer ${kubeconfig.users[0].user.token}`;
const collection = `/apis/sluice.dev/v1alpha1/namespaces/${env('BARE_NAMESPACE')}/deliveries`;
const key = Buffer.from(env('BARE_SIGNING').slice('whsec_'.length), 'base64');
const template = JSON.parse(env('BARE_TEMPLATE'));
const applications: Record<string, string> = JSON.parse(process.env['BARE_APPLICATIONS'] ?? '{}');
const known = new Map<string, unknown>();

function watch(): void {
  request({ host: server.hostname, port: server.port, path: `${collection}?watch=true`, agent, headers: { authorization: auth } }, (res) => {
    let partial = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const event = JSON.parse(line);
        known.set(event.object.metadata.name, event.object);
      }
    });
  }).end();
}

let created = 0;
const http = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const mac = createHmac('sha256', key).update(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.`).update(body).digest();
    const signature = Buffer.from(String(req.headers['webhook-signature']).split(',')[1] ?? '', 'base64');
    if (signature.length !== mac.length || !timingSafeEqual(signature, mac)) return void res.writeHead(401).end();
    const push = JSON.parse(body.toString('utf8'));
    const delivery = JSON.stringify({
      ...template,
      metadata: {
        ...template.metadata,
        name: `bare-${process.pid}-${created++}`,
        labels: { ...template.metadata.labels, 'sluice.dev/application': applications[push.project?.id] ?? template.metadata.labels?.['sluice.dev/application'] },
      },
      spec: { ...template.spec, checkoutSha: push.checkout_sha, after: push.after, ref: String(push.ref).slice('refs/heads/'.length) },
    });
    const headers = { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(delivery) };
    request({ method: 'POST', host: server.hostname, port: server.port, path: collection, agent, headers }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => parts.push(chunk));
      answer.on('end', () => {
        const name = JSON.parse(Buffer.concat(parts).toString('utf8')).metadata?.name;
        const reply = JSON.stringify({ status: 'accepted', delivery: name });
        res.writeHead(answer.statusCode === 201 ? 202 : 503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) }).end(reply);
      });
    }).end(delivery);
  });
});

watch();
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  console.log(typeof address === 'object' && address !== null ? address.port : 0);
});
process.on('SIGTERM', () => process.exit(0));
