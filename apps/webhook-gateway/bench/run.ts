/**
 * Webhook gateway benchmark. One command, from the repository root:
 *
 *   npm run bench -w @sluice/webhook-gateway
 *
 * It builds the gateway (`dist/main.js`), starts a local control plane
 * without the node agent (or reuses the one in `SLUICE_KUBECONFIG`), installs
 * the CRDs and Applications in a fresh namespace, runs the built gateway as
 * its own ServiceAccount, and measures, against 127.0.0.1 only:
 *
 * 1. `rates`: signed webhooks → Delivery created, open loop at 50, 100 and
 *    200 req/s for 10 s each (p50/p99, throughput, CPU per webhook of the
 *    gateway and the apiserver); the gateway's RSS idle and after the first
 *    500 Deliveries;
 * 2. `floor`: the gateway's CPU per accepted webhook at 200/s against a bare
 *    Node server doing the least the same work needs (bare-create.ts: verify
 *    the signature, parse, create the Delivery, watch them all), same load,
 *    same stored state, three adjacent pairs;
 * 3. `latency`: p99 through the gateway at 100/s against the same Delivery
 *    creates sent straight to the apiserver at 100/s (the floor under it),
 *    in adjacent pairs;
 * 4. `telemetry`: CPU per accepted webhook with traces and metrics exported
 *    over OTLP ÷ without, A/B: both gateways run and each pair measures
 *    both at once under the same load, from the same stored state (the
 *    pair's Deliveries are deleted after it), three pairs;
 * 5. `max`: the gateway's maximum (closed loop, 64 connections, 10 s);
 * 6. `bad-token`: a flood of wrong tokens at the gateway and, at the same
 *    time, at a bare Node server answering 401 (bare-401.ts), both pinned to
 *    CPU 1, the load generator on CPU 0; each side's rejections per
 *    CPU-second it used (what it answers with a core to itself), three pairs;
 * 7. `seed`: the design it replaced, `bench/seed_flask.py` (HMAC check, JSON
 *    parse, `kubectl create job` per request), on the same payloads, at 4
 *    and 16 clients (Flask is pip-installed if absent).
 *
 * At the end: the apiserver's RSS and live heap with every Delivery still
 * stored, and what a typical Delivery weighs as stored; then a table of
 * issue 20's figures, each against its target, pair by pair.
 *
 * The apiserver, etcd, the controller-manager, the gateway and the load
 * generator share the machine; the load average is printed with each row
 * because it moves the figures. Measuring starts once the controller-manager
 * watches Deliveries, and each phase once the servers are quiet.
 * `SLUICE_BENCH_PHASES` picks phases.
 *
 * Every push uses a new branch and SHA, so each accepted request creates one
 * Delivery. Requests are built and signed before each phase starts.
 * Everything is bounded in count and time and stops by itself; the
 * namespaces and a cluster it started are removed.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
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
import { clusterPids, cpuMeter, pin, quiet, rssMb, sampleMax } from './procs.js';
import { newFigures, printReport, type Row } from './report.js';
import { requestBytes, type Shot } from './wire.js';

const execFileAsync = promisify(execFile);
const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = join(appDir, '..', '..');
const TOKEN = `bench-token-${randomBytes(8).toString('hex')}`;
const SIGNING = `whsec_${randomBytes(32).toString('base64')}`;
const RUN = randomBytes(4).toString('hex');
const RATES = [50, 100, 200];
/**
 * The gateway's maximum is its best closed loop. It gains from concurrency up
 * to ~64 connections (the apiserver batches; on two cores 8, 16, 32, 64, 128
 * and 256 gave ~710, ~720, 770, 800, 730 and 580/s), and every loop leaves
 * thousands of Deliveries behind that make the apiserver slower for the next,
 * so one loop it is. The seed does not gain (a kubectl process per request;
 * 2 to 16 clients all give ~31-35/s).
 */
const MAX_CONNECTIONS = 64;
const SEED_CONNECTIONS = [4, 16];
const PHASE_SECONDS = 10;
/** p99 through the gateway vs straight to the apiserver: this rate, this many adjacent pairs. */
const LATENCY_RATE = 100;
const LATENCY_PAIRS = 2;
/** Telemetry A/B: pairs of measurements at this open-loop rate. */
const AB_PAIRS = 3;
const AB_RATE = 200;
/** The exporting gateway's span batch delay and metric interval; each A/B measurement waits one out. */
const EXPORT_INTERVAL_MS = 5000;
const BAD_TOKEN_PAIRS = 3;
/** Gateway vs bare Node, CPU per accepted webhook: this many adjacent pairs at the A/B rate. */
const FLOOR_PAIRS = 3;
const BAD_TOKEN_SECONDS = 5;
/** Every phase, in run order; `SLUICE_BENCH_PHASES=max,seed` runs only those (e.g. to profile one). */
const PHASES = ['rates', 'floor', 'latency', 'telemetry', 'max', 'bad-token', 'seed'] as const;
const selected = new Set((process.env['SLUICE_BENCH_PHASES'] ?? PHASES.join(',')).split(',').map((p) => p.trim()));
const runs = (phase: (typeof PHASES)[number]): boolean => selected.has(phase);

type Gateway = ChildProcess & { port: number };
const rows: Row[] = [];
const addRow = (row: Omit<Row, 'loadavg'>): void => void rows.push({ ...row, loadavg: loadavg()[0]?.toFixed(1) ?? '?' });
const figures = newFigures();
const cleanups: (() => Promise<void> | void)[] = [];

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
  // The telemetry A/B and floor measurements push to projects of their own, so each measurement's Deliveries can be removed again.
  for (let pair = 0; pair < (AB_PAIRS + FLOOR_PAIRS) * 2; pair++) {
    await admin.create(applicationObject(measuredApplication(pair), namespace, { project: measuredProject(pair) }));
  }

  const dir = await mkdtemp(join(tmpdir(), 'gw-bench-'));
  await writeFile(join(dir, 'token'), TOKEN);
  await writeFile(join(dir, 'signing'), SIGNING);
  const identity = await gatewayKubeconfig(admin, kubeconfig, namespace, dir);
  const gateway = await startGateway(dir, identity, namespace);
  const gatewayPid = gateway.pid as number;
  log(`gateway pid ${gatewayPid} on 127.0.0.1:${gateway.port}`);

  const cluster = clusterPids(kubeconfig);
  const clusterList = [cluster.apiserver, cluster.etcd, cluster.controllerManager].filter((pid): pid is number => pid !== undefined);
  const servers = [gatewayPid, ...clusterList];
  const settle = async (): Promise<void> => {
    const waited = await quiet(servers);
    if (waited > 1500) log(`waited ${(waited / 1000).toFixed(1)} s for the servers to go quiet`);
  };
  await controllersWatching;
  const unknown = [...selected].filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`unknown SLUICE_BENCH_PHASES ${unknown.join(', ')}; the phases are ${PHASES.join(', ')}`);
  await settle();
  const idleRss = rssMb(gatewayPid);
  await openLoop({ port: gateway.port, rate: 50, seconds: 2, expect: 202, request: (i) => requestBytes(signedPush('/webhooks/gitlab', 'warmup', i)) });

  for (const rate of runs('rates') ? RATES : []) {
    await settle();
    log(`signed pushes at ${rate} req/s for ${PHASE_SECONDS} s`);
    const sampler = sampleMax(() => rssMb(gatewayPid));
    const shots = prepare(rate * PHASE_SECONDS, (i) => signedPush('/webhooks/gitlab', `r${rate}`, i));
    const cpu = cpuMeter([gatewayPid, ...clusterList]);
    const result = await openLoop({ port: gateway.port, rate, seconds: PHASE_SECONDS, expect: 202, request: shots });
    const [gatewayCpu = 0, apiserverCpu = 0] = cpu.stop();
    addRow({ scenario: 'gateway: signed push → Delivery', load: `open loop ${rate}/s`, result, rssMb: `${sampler.stop()} max`, cpu: { gateway: gatewayCpu, apiserver: apiserverCpu } });
    if (rate === RATES[0]) figures.rss = { idle: idleRss, after500: rssMb(gatewayPid) };
  }

  if (runs('floor')) await floorPairs({ identity, namespace, gateway, admin, settle, deleteOf: (index) => deleteMeasured(kubectl, kubeconfig, namespace, index) });

  if (runs('latency')) {
    // The gateway's p99 against the floor under it: the same Delivery creates sent straight to the apiserver
    // (as the gateway's ServiceAccount, through the same client library), at the same rate, in adjacent
    // measurements; each pair gives one ratio.
    const direct = kubeClientFromFile(identity, { fieldManager: 'gateway-bench-direct' });
    const [template] = (await admin.list<KubeObject>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace })).items;
    if (template === undefined) throw new Error('no Delivery to copy for the no-gateway baseline');
    const { labels, annotations } = template.metadata;
    for (let pair = 0; pair < LATENCY_PAIRS; pair++) {
      await settle();
      log(`p99 pair ${pair + 1}: signed pushes through the gateway at ${LATENCY_RATE}/s, then the same creates straight to the apiserver`);
      const shots = prepare(LATENCY_RATE * PHASE_SECONDS, (i) => signedPush('/webhooks/gitlab', `p99-${pair}`, i));
      const viaGateway = await openLoop({ port: gateway.port, rate: LATENCY_RATE, seconds: PHASE_SECONDS, expect: 202, request: shots });
      addRow({ scenario: 'gateway: signed push → Delivery', load: `open loop ${LATENCY_RATE}/s (pair ${pair + 1})`, result: viaGateway, rssMb: String(rssMb(gatewayPid)) });
      await settle();
      const copy = (i: number): KubeObject => ({ ...template, apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', metadata: { name: `direct-${RUN}-${pair}-${i}`, namespace, ...(labels && { labels }), ...(annotations && { annotations }) } });
      const straight = await openLoopCalls({ rate: LATENCY_RATE, seconds: PHASE_SECONDS, call: (i) => direct.create(copy(i)) });
      addRow({ scenario: 'baseline: Delivery create, no gateway', load: `open loop ${LATENCY_RATE}/s (pair ${pair + 1})`, result: straight, rssMb: '-' });
      figures.p99.push({ gateway: percentile(viaGateway.latencies, 99), direct: percentile(straight.latencies, 99) });
    }
  }

  if (runs('telemetry')) await telemetryAB({ dir, identity, namespace, kubectl, kubeconfig, plain: gateway, servers, settle });

  if (runs('max')) {
    await settle();
    log(`gateway maximum, closed loop, ${MAX_CONNECTIONS} connections`);
    const shots = prepare(25_000, (i) => signedPush('/webhooks/gitlab', 'max', i));
    const sampler = sampleMax(() => rssMb(gatewayPid));
    const cpu = cpuMeter([gatewayPid, ...clusterList]);
    const result = await closedLoop({ port: gateway.port, connections: MAX_CONNECTIONS, seconds: PHASE_SECONDS, maxRequests: 25_000, expect: 202, request: shots });
    const [gatewayCpu = 0, apiserverCpu = 0] = cpu.stop();
    addRow({ scenario: 'gateway: signed push → Delivery', load: `closed loop, ${MAX_CONNECTIONS} conns`, result, rssMb: `${sampler.stop()} max`, maximum: 'gateway', cpu: { gateway: gatewayCpu, apiserver: apiserverCpu } });
  }

  if (runs('bad-token')) await badTokens(gateway, settle);

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

  const deliveries = (await admin.list<KubeObject>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace })).items;
  const typical = deliveries.find((d) => d.metadata.name?.startsWith('feature-load-r'));
  if (typical !== undefined) {
    const stored = await admin.get<KubeObject>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace, name: typical.metadata.name as string });
    const managed = JSON.stringify(stored?.metadata.managedFields ?? []).length;
    figures.deliveryBytes = { total: JSON.stringify(stored).length, managedFields: managed };
  }
  if (cluster.apiserver !== undefined) figures.apiserver = { rss: rssMb(cluster.apiserver), liveHeap: await apiserverLiveHeapMb(kubectl, kubeconfig), deliveries: deliveries.length };
  log(`${deliveries.length} Deliveries stored in ${namespace}`);
  printReport(rows, figures);
}

/**
 * Telemetry cost, A/B: the plain gateway (A) and a second one exporting its
 * traces and metrics over OTLP/HTTP to a sink, as deployed (B), both running
 * and watching the same Deliveries. In each pair both are measured at once:
 * each is offered the same open-loop load (half the A/B rate each, so the
 * machine carries the A/B rate in all), over the same seconds, on the same
 * machine and stored state — what a shared machine does to one it does to
 * the other, which back-to-back runs could not promise. After one export
 * interval (so B's batched exports are counted) both CPU meters stop and
 * the pair's Deliveries are deleted again, so every pair starts from the
 * same stored state. Each pair gives one ratio.
 */
async function telemetryAB(run: {
  readonly dir: string;
  readonly identity: string;
  readonly namespace: string;
  readonly kubectl: string;
  readonly kubeconfig: string;
  readonly plain: Gateway;
  readonly servers: number[];
  readonly settle: () => Promise<void>;
}): Promise<void> {
  const sink = await OtlpReceiver.start();
  cleanups.push(() => sink.close()); // after the gateway stops (cleanups run in reverse): it exports until then
  const traced = await startGateway(run.dir, run.identity, run.namespace, { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_METRIC_EXPORT_INTERVAL: String(EXPORT_INTERVAL_MS), OTEL_BSP_SCHEDULE_DELAY: String(EXPORT_INTERVAL_MS) });
  run.servers.push(traced.pid as number);
  const deleteOf = (index: number): void => deleteMeasured(run.kubectl, run.kubeconfig, run.namespace, index);
  // The plain gateway is warm from the phases before; warm this one the same way (JIT, connections, the first exports).
  await openLoop({ port: traced.port, rate: AB_RATE, seconds: 3, expect: 202, request: (i) => requestBytes(signedPush('/webhooks/gitlab', 'ab-warmup', i, measuredProject(0).id)) });
  await new Promise((resolve) => setTimeout(resolve, EXPORT_INTERVAL_MS + 1000));
  deleteOf(0);
  const rate = AB_RATE / 2;
  for (let pair = 0; pair < AB_PAIRS; pair++) {
    await run.settle();
    log(`telemetry A/B pair ${pair + 1}/${AB_PAIRS}: both gateways at once, ${rate}/s each for ${PHASE_SECONDS} s`);
    const sides = [
      { label: 'A/B: gateway, no export', gateway: run.plain, index: pair * 2 },
      { label: 'A/B: gateway, telemetry exported (OTLP)', gateway: traced, index: pair * 2 + 1 },
    ];
    const shots = sides.map(({ index }) => prepare(rate * PHASE_SECONDS, (i) => signedPush('/webhooks/gitlab', `ab${index}`, i, measuredProject(index).id)));
    const cpu = cpuMeter(sides.map(({ gateway }) => gateway.pid as number));
    const results = await Promise.all(sides.map(({ gateway }, i) => openLoop({ port: gateway.port, rate, seconds: PHASE_SECONDS, expect: 202, request: shots[i] as (i: number) => Buffer })));
    await new Promise((resolve) => setTimeout(resolve, EXPORT_INTERVAL_MS + 1000));
    const ms = cpu.stop();
    const perWebhook = sides.map((side, i) => {
      const result = results[i] as LoadResult;
      addRow({ scenario: side.label, load: `open loop ${rate}/s, both at once (pair ${pair + 1})`, result, rssMb: String(rssMb(side.gateway.pid as number)), cpu: { gateway: ms[i] ?? 0 } });
      return (ms[i] ?? 0) / Math.max(1, result.ok);
    });
    figures.telemetry.push({ plain: perWebhook[0] as number, exported: perWebhook[1] as number });
    // Back to the same stored state for the next pair.
    for (const { index } of sides) deleteOf(index);
  }
  const traces = sink.requests('/v1/traces');
  figures.exports = `the sink received ${traces.length} trace exports (${(traces.reduce((n, r) => n + r.body.length, 0) / 1e6).toFixed(1)} MB) and ${sink.requests('/v1/metrics').length} metric exports`;
  traced.kill('SIGTERM');
  await once(traced, 'exit');
  run.servers.pop();
}

/**
 * Bad tokens on one core: the gateway and a bare Node server answering 401
 * (bare-401.ts) take turns on CPU 1 under the same closed-loop load from
 * this process, pinned to CPU 0; each pair gives one ratio.
 */
async function badTokens(gateway: Gateway, settle: () => Promise<void>): Promise<void> {
  const bare = await startBare('bare-401.ts');
  const pinned = pin(gateway.pid as number, '1') && pin(bare.pid as number, '1') && pin(process.pid, '0');
  const body = JSON.stringify(pushPayload('trunk', fakeSha('bad-0'), fakeSha('bad-1')));
  const shot = requestBytes({ path: '/webhooks/gitlab', headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'not-the-token' }, body });
  const flood = (port: number) => closedLoop({ port, connections: 32, seconds: BAD_TOKEN_SECONDS, maxRequests: 1_000_000, expect: 401, request: () => shot });
  const before = rssMb(gateway.pid as number);
  // Warm the gateway's reject path (JIT) as the bare server's only path is warmed by its first requests.
  await flood(gateway.port);
  for (let pair = 0; pair < BAD_TOKEN_PAIRS; pair++) {
    await settle();
    log(`bad tokens, pair ${pair + 1}: the gateway and a bare Node 401 server flooded at once, both on CPU 1`);
    const cpu = cpuMeter([gateway.pid as number, bare.pid as number]);
    const [viaGateway, viaBare] = await Promise.all([flood(gateway.port), flood(bare.port)]);
    const [gatewayMs = 0, bareMs = 0] = cpu.stop();
    const core = pinned ? ' (CPU 1, shared)' : ' (NOT pinned)';
    addRow({ scenario: `gateway: bad token → 401${core}`, load: `closed loop, 32 conns, at once (pair ${pair + 1})`, result: viaGateway, rssMb: `${before} → ${rssMb(gateway.pid as number)}`, cpu: { gateway: gatewayMs } });
    addRow({ scenario: `bare Node 401 server${core}`, load: `closed loop, 32 conns, at once (pair ${pair + 1})`, result: viaBare, rssMb: String(rssMb(bare.pid as number)), cpu: { gateway: bareMs } });
    // What each would answer per second with a core to itself: rejections per CPU-second it used.
    figures.badToken.push({ gateway: viaGateway.ok / Math.max(0.001, gatewayMs / 1000), bare: viaBare.ok / Math.max(0.001, bareMs / 1000) });
  }
  pin(process.pid, '0,1'); // the load generator back on both cores
  bare.kill('SIGTERM');
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

function signedPush(path: string, phase: string, i: number, projectId?: number): Shot {
  const sha = fakeSha(`${RUN}-${phase}-${i}`);
  const payload = pushPayload(`feature/load-${phase}-${i}`, fakeSha(`${RUN}-${phase}-${i}-parent`), sha);
  const body = JSON.stringify(projectId === undefined ? payload : { ...payload, project_id: projectId, project: { ...(payload['project'] as object), id: projectId } });
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

/** The Application (and project) of telemetry A/B measurement `index`. */
/** Deletes the Deliveries of measurement `index` (one deletecollection), bringing the stored state back. */
function deleteMeasured(kubectl: string, kubeconfig: string, namespace: string, index: number): void {
  execFileSync(kubectl, ['--kubeconfig', kubeconfig, 'delete', '--raw', `/apis/sluice.dev/v1alpha1/namespaces/${namespace}/deliveries?labelSelector=sluice.dev%2Fapplication%3D${measuredApplication(index)}`], { stdio: 'ignore' });
}

/** The Application of measurement `index` (telemetry A/B, then floor): each pushes to its own project, so its Deliveries can be deleted after it. */
function measuredApplication(index: number): string {
  return `m-${index}`;
}

function measuredProject(index: number): { id: number; path: string } {
  return { id: 8800 + index, path: `platform/m-${index}` };
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

async function startGateway(dir: string, kubeconfig: string, namespace: string, extraEnv: Record<string, string> = {}): Promise<Gateway> {
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

/**
 * The gateway's CPU per accepted webhook against the least Node itself needs
 * for the same work (`bare-create.ts`: verify, parse, create, watch), at the
 * A/B rate, in adjacent measurements on the same stored state; pairs
 * alternate which goes first.
 */
async function floorPairs(run: {
  readonly identity: string;
  readonly namespace: string;
  readonly gateway: Gateway;
  readonly admin: KubeClient;
  readonly settle: () => Promise<void>;
  readonly deleteOf: (index: number) => void;
}): Promise<void> {
  const [made] = (await run.admin.list<KubeObject & { spec?: unknown }>({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: run.namespace })).items;
  if (made === undefined) throw new Error('no Delivery to copy for the bare Node baseline');
  const template = { apiVersion: made.apiVersion, kind: made.kind, metadata: { namespace: run.namespace, labels: made.metadata.labels, annotations: made.metadata.annotations }, spec: made.spec };
  const first = AB_PAIRS * 2;
  const applications = Object.fromEntries(Array.from({ length: FLOOR_PAIRS * 2 }, (_, i) => [measuredProject(first + i).id, measuredApplication(first + i)]));
  const bare = await startBare('bare-create.ts', { BARE_KUBECONFIG: run.identity, BARE_NAMESPACE: run.namespace, BARE_SIGNING: SIGNING, BARE_TEMPLATE: JSON.stringify(template), BARE_APPLICATIONS: JSON.stringify(applications) });
  await openLoop({ port: bare.port, rate: 50, seconds: 2, expect: 202, request: (i) => requestBytes(signedPush('/webhooks/gitlab', 'bare-warmup', i, measuredProject(first).id)) });
  run.deleteOf(first);
  const measure = async (side: 'gateway' | 'bare', pairIndex: number): Promise<number> => {
    const index = first + pairIndex;
    await run.settle();
    const target = side === 'gateway' ? run.gateway : bare;
    log(`floor ${pairIndex + 1}/${FLOOR_PAIRS * 2}: ${side === 'gateway' ? 'the gateway' : 'bare Node'}, signed pushes at ${AB_RATE}/s for ${PHASE_SECONDS} s`);
    const shots = prepare(AB_RATE * PHASE_SECONDS, (i) => signedPush('/webhooks/gitlab', `floor${index}`, i, measuredProject(index).id));
    const cpu = cpuMeter([target.pid as number]);
    const result = await openLoop({ port: target.port, rate: AB_RATE, seconds: PHASE_SECONDS, expect: 202, request: shots });
    const [ms = 0] = cpu.stop();
    addRow({ scenario: side === 'gateway' ? 'gateway: signed push → Delivery' : 'bare Node: verify + create + watch', load: `open loop ${AB_RATE}/s (pair ${Math.floor(pairIndex / 2) + 1})`, result, rssMb: String(rssMb(target.pid as number)), cpu: { gateway: ms } });
    // Back to the same stored state for the next measurement.
    run.deleteOf(index);
    return ms / Math.max(1, result.ok);
  };
  for (let pair = 0; pair < FLOOR_PAIRS; pair++) {
    const order: ('gateway' | 'bare')[] = pair % 2 === 0 ? ['gateway', 'bare'] : ['bare', 'gateway'];
    const perWebhook: Record<string, number> = {};
    for (const [i, side] of order.entries()) perWebhook[side] = await measure(side, pair * 2 + i);
    figures.floor.push({ gateway: perWebhook['gateway'] as number, bare: perWebhook['bare'] as number });
  }
  bare.kill('SIGTERM');
}

async function startBare(file: string, env: Record<string, string> = {}): Promise<Gateway> {
  // SLUICE_BENCH_BARE_NODE_ARGS profiles the baselines the way SLUICE_BENCH_GATEWAY_NODE_ARGS does the gateway.
  const nodeArgs = (process.env['SLUICE_BENCH_BARE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(appDir, 'bench', file)], { cwd: appDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => void child.kill('SIGTERM'));
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return Object.assign(child, { port: Number(line.toString().trim()) });
}

/** The apiserver's live heap after its last collection (`go_gc_heap_live_bytes`), MiB. */
async function apiserverLiveHeapMb(kubectl: string, kubeconfig: string): Promise<number | undefined> {
  const { stdout } = await execFileAsync(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'], { maxBuffer: 64 << 20 });
  const bytes = /^go_gc_heap_live_bytes (\S+)$/m.exec(stdout)?.[1];
  return bytes === undefined ? undefined : Math.round(Number(bytes) / (1 << 20));
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
