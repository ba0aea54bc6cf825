/**
 * Webhook gateway benchmark. One command, from the repository root:
 *
 *   npm run bench -w @sluice/webhook-gateway
 *
 * It builds the gateway (`dist/main.js`), starts a local control plane
 * without the node agent (or reuses the one in `SLUICE_KUBECONFIG`), installs
 * the CRDs and an Application in a fresh namespace, runs the built gateway,
 * and measures, against 127.0.0.1 only:
 *
 * 1. signed webhooks → Delivery created, open loop at 50, 100 and 200 req/s
 *    for 10 s each (p50/p99 latency, achieved throughput, gateway RSS);
 * 2. a no-gateway baseline: the same Delivery creates sent straight to the
 *    apiserver (as the gateway's ServiceAccount) at 200/s — the latency floor;
 * 3. the gateway's maximum (closed loop, 64 connections, 10 s);
 * 4. the seed design it replaces, `bench/seed_flask.py` (HMAC check, JSON
 *    parse, `kubectl create job` per request), on the same payloads: maximum
 *    throughput with 4 and 16 concurrent clients, 10 s each (Flask is
 *    pip-installed if absent); the ratio compares each side's best;
 * 5. bad-token rejections per second over HTTP (closed loop, 32 connections,
 *    10 s) with the gateway pinned to one core (`taskset -a -p -c 1`) and its
 *    RSS before and after;
 * 6. the gateway's maximum again with its traces and metrics exported over
 *    OTLP/HTTP to a sink, as deployed (run after 3., so ~7,000 more
 *    Deliveries are stored).
 *
 * The apiserver, etcd, the controller-manager, the gateway and the load
 * generator share the machine; the load average is printed with each row
 * because it moves the figures. Measuring starts once the controller-manager
 * watches Deliveries, and each phase once the servers are quiet. The
 * telemetry phase (6.) replaces the first gateway for the phases after it;
 * `SLUICE_BENCH_PHASES` picks phases (rates, baseline, max, telemetry,
 * bad-token, seed).
 *
 * Every push uses a new branch and SHA, so each accepted request creates one
 * Delivery. Requests are built and signed before each phase starts. The
 * gateway authenticates to the apiserver as its own ServiceAccount, with the
 * Role the install grants it. Everything is bounded in count and
 * time and stops by itself; the namespaces and a cluster it started are removed.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { signWebhookPayload } from '@sluice/gitlab';
import { kubeClientFromFile, type KubeClient, type KubeObject } from '@sluice/kube';
import { OtlpReceiver } from '@sluice/telemetry/testing';
import { roleBindingFor, roleFor, serviceAccountFor, serviceAccountName, toWire } from '@sluice/manifests';
import { applicationObject, fakeSha, pushPayload } from '../src/fixtures/index.js';
import { installCrds, serviceAccountKubeconfig, waitUntil } from '../src/testing/crds.testkit.js';
import { closedLoop, openLoop, openLoopCalls, percentile, type LoadResult } from './load.js';
import { requestBytes, type Shot } from './wire.js';

const execFileAsync = promisify(execFile);
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(appDir, '..', '..');
const TOKEN = `bench-token-${randomBytes(8).toString('hex')}`;
const SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const RUN = randomBytes(4).toString('hex');
const RATES = [50, 100, 200];
/**
 * Each side's maximum is its best closed loop. The gateway gains from
 * concurrency up to ~64 connections (the apiserver batches; on two cores 8,
 * 16, 32, 64, 128 and 256 gave ~710, ~720, 770, 800, 730 and 580/s), and
 * every loop leaves ~7,000 Deliveries behind that make the apiserver slower
 * for the next, so one loop it is. The seed does not gain (a kubectl process
 * per request; 2 to 16 clients all give ~31-35/s).
 */
const MAX_CONNECTIONS = [64];
const SEED_CONNECTIONS = [4, 16];
const PHASE_SECONDS = 10;
/** Every phase, in run order; `SLUICE_BENCH_PHASES=max,seed` runs only those (e.g. to profile one). */
const PHASES = ['rates', 'baseline', 'max', 'telemetry', 'bad-token', 'seed'] as const;
const selected = new Set((process.env['SLUICE_BENCH_PHASES'] ?? PHASES.join(',')).split(',').map((p) => p.trim()));
const runs = (phase: (typeof PHASES)[number]): boolean => selected.has(phase);

interface Row {
  readonly scenario: string;
  readonly load: string;
  readonly result: LoadResult;
  readonly rssMb: string;
  /** 1-minute load average when the row finished. */
  readonly loadavg?: string;
  /** A closed loop measuring this side's maximum throughput. */
  readonly maximum?: 'gateway' | 'seed';
}

const rows: Row[] = [];
const addRow = (row: Row): void => void rows.push({ ...row, loadavg: loadavg()[0]?.toFixed(1) ?? "?" });
const cleanups: (() => Promise<void> | void)[] = [];
const cpuNotes: string[] = [];

async function main(): Promise<void> {
  const kubeconfig = process.env['SLUICE_KUBECONFIG'] ?? startCluster();
  const kubectl = join(execFileSync('bash', ['tools/local-cluster/build.sh'], { cwd: repoDir, encoding: 'utf8' }).trim().split('\n').pop() as string, 'kubectl');
  const admin = kubeClientFromFile(kubeconfig, { fieldManager: 'gateway-bench' });
  await installCrds(admin);
  const controllersWatching = controllerManagerWatchesDeliveries(kubectl, kubeconfig);
  controllersWatching.catch(() => undefined); // awaited below, once the gateway runs
  const namespace = await createNamespace(admin, 'gw-bench');
  const seedNamespace = await createNamespace(admin, 'gw-bench-seed');
  await admin.create(applicationObject('inventory', namespace));

  const dir = await mkdtemp(join(tmpdir(), 'gw-bench-'));
  await writeFile(join(dir, 'token'), TOKEN);
  await writeFile(join(dir, 'signing'), SIGNING);
  const identity = await gatewayKubeconfig(admin, kubeconfig, namespace, dir);
  let gateway = await startGateway(dir, identity, namespace);
  const rss = () => rssMb(gateway.pid as number);
  log(`gateway pid ${gateway.pid} on 127.0.0.1:${gateway.port}`);

  const cluster = clusterPids(kubeconfig);
  const clusterList = [cluster.apiserver, cluster.etcd, cluster.controllerManager].filter((pid): pid is number => pid !== undefined);
  const servers = [gateway.pid as number, ...clusterList];
  const settle = () => quiet(servers);
  await controllersWatching;
  const unknown = [...selected].filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`unknown SLUICE_BENCH_PHASES ${unknown.join(', ')}; the phases are ${PHASES.join(', ')}`);
  await openLoop({ port: gateway.port, rate: 50, seconds: 2, expect: 202, request: (i) => requestBytes(signedPush('/webhooks/gitlab', 'warmup', i)) });
  for (const rate of runs('rates') ? RATES : []) {
    await settle();
    log(`signed pushes at ${rate} req/s for ${PHASE_SECONDS} s`);
    const sampler = sampleMax(rss);
    const shots = prepare(rate * PHASE_SECONDS, (i) => signedPush('/webhooks/gitlab', `r${rate}`, i));
    const result = await openLoop({ port: gateway.port, rate, seconds: PHASE_SECONDS, expect: 202, request: shots });
    addRow({ scenario: 'gateway: signed push → Delivery', load: `open loop ${rate}/s`, result, rssMb: `${sampler.stop()} max` });
  }
  if (runs('baseline')) {
    await settle();
    log('baseline: the same Delivery creates straight to the apiserver (no gateway), 200/s');
    // What the apiserver alone gives at 200/s on this machine: the floor under the gateway's latency.
    const direct = kubeClientFromFile(identity, { fieldManager: 'gateway-bench-direct' });
    const [template] = (await admin.list<KubeObject>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace })).items;
    if (template === undefined) throw new Error('no Delivery to copy for the baseline');
    const { labels, annotations } = template.metadata;
    const copy = (i: number): KubeObject => ({ ...template, apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', metadata: { name: `direct-${RUN}-${i}`, namespace, ...(labels && { labels }), ...(annotations && { annotations }) } });
    const result = await openLoopCalls({ rate: 200, seconds: PHASE_SECONDS, call: (i) => direct.create(copy(i)) });
    addRow({ scenario: 'baseline: Delivery create, no gateway', load: 'open loop 200/s', result, rssMb: '-' });
  }
  if (runs('max')) {
    for (const connections of MAX_CONNECTIONS) {
      await settle();
      log(`gateway maximum, closed loop, ${connections} connections`);
      const shots = prepare(25_000, (i) => signedPush('/webhooks/gitlab', `max${connections}`, i));
      const sampler = sampleMax(rss);
      const measured = { gateway: gateway.pid, 'kube-apiserver': cluster.apiserver, etcd: cluster.etcd, 'kube-controller-manager': cluster.controllerManager };
      const cpuBefore = Object.values(measured).map((pid) => (pid === undefined ? 0 : cpuMs(pid)));
      const generatorBefore = process.cpuUsage();
      const result = await closedLoop({ port: gateway.port, connections, seconds: PHASE_SECONDS, maxRequests: 25_000, expect: 202, request: shots });
      addRow({ scenario: 'gateway: signed push → Delivery', load: `closed loop, ${connections} conns`, result, rssMb: `${sampler.stop()} max`, maximum: 'gateway' });
      const perRequest = Object.entries(measured).map(([name, pid], i) => `${name} ${pid === undefined ? '?' : ((cpuMs(pid) - (cpuBefore[i] as number)) / Math.max(1, result.ok)).toFixed(2)} ms`);
      const generator = process.cpuUsage(generatorBefore);
      const generatorMs = ((generator.user + generator.system) / 1000 / Math.max(1, result.ok)).toFixed(2);
      cpuNotes.push(`CPU per accepted webhook, ${connections} conns: ${perRequest.join(', ')}, load generator ${generatorMs} ms`);
    }
  }
  if (runs('telemetry')) {
    // As deployed: every webhook traced (three spans) and metered, exported over OTLP/HTTP to a sink that
    // accepts all. It replaces the first gateway (two would both decode every Delivery event) for the phases after.
    gateway.kill('SIGTERM');
    await once(gateway, 'exit');
    const sink = await OtlpReceiver.start();
    cleanups.push(() => sink.close()); // after the gateway stops (cleanups run in reverse): it exports until then
    const traced = await startGateway(dir, identity, namespace, { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_METRIC_EXPORT_INTERVAL: '5000' });
    gateway = traced;
    servers[0] = traced.pid as number;
    await settle();
    const connections = MAX_CONNECTIONS[0] as number;
    log(`gateway exporting telemetry, closed loop, ${connections} connections`);
    const shots = prepare(25_000, (i) => signedPush('/webhooks/gitlab', 'traced', i));
    const sampler = sampleMax(rss);
    const cpuBefore = cpuMs(traced.pid as number);
    const result = await closedLoop({ port: traced.port, connections, seconds: PHASE_SECONDS, maxRequests: 25_000, expect: 202, request: shots });
    addRow({ scenario: 'gateway, telemetry exported (OTLP)', load: `closed loop, ${connections} conns`, result, rssMb: `${sampler.stop()} max` });
    const perRequest = ((cpuMs(traced.pid as number) - cpuBefore) / Math.max(1, result.ok)).toFixed(2);
    const traces = sink.requests('/v1/traces');
    cpuNotes.push(`telemetry exported: gateway ${perRequest} ms CPU per webhook; the sink received ${traces.length} trace exports (${(traces.reduce((n, r) => n + r.body.length, 0) / 1e6).toFixed(1)} MB) and ${sink.requests('/v1/metrics').length} metric exports`);
  }
  if (runs('bad-token')) {
    log('bad tokens, closed loop, gateway pinned to one core');
    const pinned = pin(gateway.pid as number);
    const before = rss();
    const body = JSON.stringify(pushPayload('trunk', fakeSha('bad-0'), fakeSha('bad-1')));
    const shot = requestBytes({ path: '/webhooks/gitlab', headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'not-the-token' }, body });
    const result = await closedLoop({ port: gateway.port, connections: 32, seconds: PHASE_SECONDS, maxRequests: 1_000_000, expect: 401, request: () => shot });
    addRow({ scenario: `gateway: bad token → 401 (HTTP${pinned ? ', 1 core' : ', NOT pinned'})`, load: 'closed loop, 32 conns', result, rssMb: `${before} → ${rss()}` });
  }

  if (runs('seed')) {
    const seed = await startSeed(kubectl, kubeconfig, seedNamespace);
    for (const connections of SEED_CONNECTIONS) {
      await settle();
      log(`seed design: Flask + kubectl create job, closed loop, ${connections} connections`);
      const sampler = sampleMax(() => rssMb(seed.pid as number));
      const shots = prepare(2_000, (i) => signedPush('/webhook', `seed${connections}`, i));
      const result = await closedLoop({ port: seed.port, connections, seconds: PHASE_SECONDS, maxRequests: 2_000, expect: 202, request: shots });
      addRow({ scenario: 'seed: Flask HMAC + kubectl create job', load: `closed loop, ${connections} conns`, result, rssMb: `${sampler.stop()} max`, maximum: 'seed' });
    }
  }
  if (cluster.apiserver !== undefined) cpuNotes.push(`kube-apiserver RSS at the end: ${rssMb(cluster.apiserver)} MB`);
  const deliveries = (await admin.list({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace })).items.length;
  log(`${deliveries} Deliveries created in ${namespace}`);
  printTable(deliveries);
}

/**
 * Builds (and signs) every request before the clock starts, so the load
 * generator — on the same two cores as the servers — spends the measured
 * seconds sending, not hashing. Both the gateway and the seed get this.
 */
function prepare(count: number, make: (i: number) => Shot): (i: number) => Buffer {
  const shots = Array.from({ length: count }, (_, i) => requestBytes(make(i)));
  return (i) => shots[i] ?? requestBytes(make(i));
}

function signedPush(path: string, phase: string, i: number): Shot {
  const sha = fakeSha(`${RUN}-${phase}-${i}`);
  const body = JSON.stringify(pushPayload(`feature/load-${phase}-${i}`, fakeSha(`${RUN}-${phase}-${i}-parent`), sha));
  const id = `msg_${RUN}_${phase}_${i}`;
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    path,
    body,
    headers: {
      'content-type': 'application/json',
      'x-gitlab-event': 'Push Hook',
      'x-gitlab-token': TOKEN,
      'idempotency-key': id,
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhookPayload({ signingToken: SIGNING, webhookId: id, timestamp, body }),
    },
  };
}

function startCluster(): string {
  const dir = join(tmpdir(), `gw-bench-cluster-${RUN}`);
  log(`starting a local control plane in ${dir} (no node agent)`);
  const script = `import('@sluice/local-cluster').then(async (m) => { const c = await m.startCluster({ node: 'agent', nodeAgent: false, lifetime: 'detached', dir: ${JSON.stringify(dir)} }); console.log(c.kubeconfigPath); })`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    const stop = `import('@sluice/local-cluster').then((m) => m.stopCluster(${JSON.stringify(dir)}))`;
    execFileSync(process.execPath, ['--import', 'tsx', '-e', stop], { cwd: repoDir, stdio: 'inherit' });
  });
  return out.trim().split('\n').pop() as string;
}

async function createNamespace(client: KubeClient, prefix: string): Promise<string> {
  const ns = await client.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: `${prefix}-` } });
  const name = ns.metadata.name as string;
  cleanups.push(async () => void (await client.delete({ apiVersion: 'v1', kind: 'Namespace', name })));
  return name;
}

/**
 * The gateway authenticates as its own ServiceAccount with the Role the
 * install grants it (libs/manifests), as it does in a cluster — a bound token,
 * not the admin's client certificate.
 */
async function gatewayKubeconfig(admin: KubeClient, adminKubeconfig: string, namespace: string, dir: string): Promise<string> {
  const service = 'webhook-gateway';
  // The gateway also watches the per-Application webhook Secrets, in a namespace of their own.
  const hooks = webhookSecretsNamespace(namespace);
  await admin.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: hooks } });
  cleanups.push(async () => void (await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: hooks })));
  const inNamespace = <T extends { metadata?: { namespace?: string } }>(objects: readonly T[]) =>
    objects.filter((o) => o.metadata?.namespace === namespace || o.metadata?.namespace === hooks);
  const namespaces = { system: namespace, test: `${namespace}-test`, webhookSecrets: hooks };
  for (const object of [serviceAccountFor(service, namespaces), ...inNamespace(roleFor(service, namespaces)), ...inNamespace(roleBindingFor(service, namespaces))]) {
    await admin.create(toWire(object) as KubeObject);
  }
  return serviceAccountKubeconfig({ adminKubeconfigPath: adminKubeconfig, namespace, serviceAccount: serviceAccountName(service), path: join(dir, 'gateway.kubeconfig') });
}

function webhookSecretsNamespace(namespace: string): string {
  return `${namespace}-hooks`;
}

async function startGateway(dir: string, kubeconfig: string, namespace: string, extraEnv: Record<string, string> = {}): Promise<ChildProcess & { port: number }> {
  const main = join(appDir, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing; run the bench through "npm run bench -w @sluice/webhook-gateway", which builds it`);
  const port = await freePort();
  const env = {
    PATH: process.env['PATH'] ?? '',
    SLUICE_PORT: String(port),
    SLUICE_HOST: '127.0.0.1',
    SLUICE_LOG_LEVEL: 'warn',
    SLUICE_NAMESPACE: namespace,
    SLUICE_WEBHOOK_SECRETS_NAMESPACE: webhookSecretsNamespace(namespace),
    SLUICE_WEBHOOK_TOKEN_FILES: join(dir, 'token'),
    SLUICE_WEBHOOK_SIGNING_KEY_FILES: join(dir, 'signing'),
    KUBECONFIG: kubeconfig,
    ...extraEnv,
  };
  // e.g. SLUICE_BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway under this load.
  const nodeArgs = (process.env['SLUICE_BENCH_GATEWAY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, main], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  cleanups.push(() => void child.kill('SIGTERM'));
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 'the gateway to be ready', 60_000);
  return Object.assign(child, { port });
}

async function startSeed(kubectl: string, kubeconfig: string, namespace: string): Promise<ChildProcess & { port: number }> {
  ensureFlask();
  const port = await freePort();
  const env = { PATH: process.env['PATH'] ?? '', SEED_PORT: String(port), SEED_SIGNING_TOKEN: SIGNING, SEED_KUBECTL: kubectl, SEED_KUBECONFIG: kubeconfig, SEED_NAMESPACE: namespace };
  const child = spawn('python3', [join(appDir, 'bench', 'seed_flask.py')], { env, stdio: ['ignore', 'ignore', 'ignore'] });
  cleanups.push(() => void child.kill('SIGTERM'));
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.status === 200, 'the Flask seed server', 30_000);
  return Object.assign(child, { port });
}

function ensureFlask(): void {
  const has = () => {
    try {
      execFileSync('python3', ['-c', 'import flask'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return;
  log('Flask is missing; installing it with pip (outside the npm workspace)');
  try {
    execFileSync('python3', ['-m', 'pip', 'install', '--quiet', 'flask'], { stdio: 'inherit' });
  } catch {
    // Debian's Python refuses user installs into the system environment without this flag.
    execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--break-system-packages', 'flask'], { stdio: 'inherit' });
  }
  if (!has()) throw new Error('Flask could not be installed; install it (apt install python3-flask or pip install flask) and rerun');
}

/** Restricts every thread of `pid` to CPU 1; false when taskset is unavailable. */
function pin(pid: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '1', String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** user+system CPU time of `pid`, ms (clock ticks are 10 ms on Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The control-plane processes serving `kubeconfig`, found by their command lines; a missing one is left out. */
function clusterPids(kubeconfig: string): { readonly apiserver?: number; readonly etcd?: number; readonly controllerManager?: number } {
  const port = /server"?:\s*"?https:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(kubeconfig, 'utf8'))?.[1];
  const cmdlines = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return { pid: Number(pid), cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0') };
      } catch {
        return { pid: Number(pid), cmd: [] as string[] };
      }
    });
  const apiserver = cmdlines.find((p) => p.cmd.includes(`--secure-port=${port}`) && p.cmd[0]?.endsWith('kube-apiserver'));
  const etcdUrl = apiserver?.cmd.find((arg) => arg.startsWith('--etcd-servers='))?.slice('--etcd-servers='.length);
  const etcd = cmdlines.find((p) => p.cmd[0]?.endsWith('etcd') && p.cmd.includes(`--listen-client-urls=${etcdUrl}`));
  const controllerManager = cmdlines.find((p) => p.cmd[0]?.endsWith('kube-controller-manager') && p.cmd.includes(`--kubeconfig=${kubeconfig}`));
  return { apiserver: apiserver?.pid, etcd: etcd?.pid, controllerManager: controllerManager?.pid };
}

/**
 * Waits (at most 60 s) until the controller-manager watches Deliveries: its
 * garbage collector finds new CRDs by discovery every 30 s and then lists
 * every Delivery, which — with thousands stored, mid-phase — stalled two
 * cores for ~70 ms. Seen in the apiserver's `apiserver_longrunning_requests`.
 */
async function controllerManagerWatchesDeliveries(kubectl: string, kubeconfig: string): Promise<void> {
  const started = Date.now();
  const watching = /^apiserver_longrunning_requests\{[^}]*resource="deliveries",scope="cluster"[^}]*verb="WATCH"[^}]*\} [1-9]/m;
  while (!watching.test((await execFileAsync(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'], { maxBuffer: 64 << 20 })).stdout)) {
    if (Date.now() - started > 60_000) throw new Error('the controller-manager did not start watching Deliveries within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  log(`the controller-manager watches Deliveries (waited ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/**
 * Waits (at most 30 s) until `pids` together use under a tenth of a core over
 * a second, so a phase does not start while the apiserver is still busy with
 * the previous one (or with the CRDs' OpenAPI after the install).
 */
async function quiet(pids: readonly number[]): Promise<void> {
  const started = Date.now();
  const total = () => pids.reduce((sum, pid) => sum + (existsSync(`/proc/${pid}`) ? cpuMs(pid) : 0), 0);
  for (let before = total(); Date.now() - started < 30_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = total();
    if (now - before < 100) break;
    before = now;
  }
  const waited = Date.now() - started;
  if (waited > 1500) log(`waited ${(waited / 1000).toFixed(1)} s for the servers to go quiet`);
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

function sampleMax(read: () => number): { stop(): number } {
  let max = read();
  const timer = setInterval(() => (max = Math.max(max, read())), 250);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(max, read());
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function printTable(deliveries: number): void {
  const header = ['scenario', 'load', 'sent', 'ok', 'failed', 'p50 ms', 'p99 ms', 'achieved/s', 'RSS MB', 'loadavg'];
  const lines = rows.map(({ scenario, load, result, rssMb: rss, loadavg: la }) => {
    const failed = Object.entries(result.failures).map(([k, v]) => `${v}×${k}`).join(' ') || '0';
    return [scenario, load, String(result.sent), String(result.ok), failed, fmt(percentile(result.latencies, 50)), fmt(percentile(result.latencies, 99)), (result.ok / (result.elapsedMs / 1000)).toFixed(1), rss, la ?? '?'];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const row = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  console.log(['', row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n'));
  const rate = (r: Row) => r.result.ok / (r.result.elapsedMs / 1000);
  const best = (side: 'gateway' | 'seed') => Math.max(0, ...rows.filter((r) => r.maximum === side).map(rate));
  const [gatewayMax, seedMax] = [best('gateway'), best('seed')];
  if (gatewayMax > 0 && seedMax > 0) {
    console.log(`\ngateway max / seed max: ${gatewayMax.toFixed(0)}/s / ${seedMax.toFixed(1)}/s = ${(gatewayMax / seedMax).toFixed(1)}×   (${deliveries} Deliveries created in the gateway namespace)`);
  }
  for (const note of cpuNotes) console.log(note);
  console.log(`node ${process.version}, ${(execFileSync('nproc', { encoding: 'utf8' }) as string).trim()} CPUs; latency = request sent → response read, client on the same machine`);
}

function fmt(ms: number): string {
  return Number.isNaN(ms) ? '-' : ms.toFixed(1);
}

function log(message: string): void {
  console.error(`bench: ${message}`);
}

async function cleanup(): Promise<void> {
  for (const step of cleanups.reverse()) {
    try {
      await step();
    } catch (error) {
      log(`cleanup step failed: ${String(error)}`);
    }
  }
}

// A bench that is interrupted still removes what it started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

main()
  .then(cleanup, async (error: unknown) => {
    console.error(error);
    await cleanup();
    process.exitCode = 1;
  });
