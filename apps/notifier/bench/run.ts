/**
 * Notifier benchmark. One command, from the repository root:
 *
 *   npm run bench -w @sluice/notifier
 *
 * (the script bundles the service first: `dist/main.js`, as the image ships it).
 * Starts a local control plane without the node agent (or reuses the one in
 * `SLUICE_KUBECONFIG`), installs the CRDs in a fresh namespace, starts the
 * GitLab stand-in on 127.0.0.1 with 25 projects, and runs the BUILT notifier
 * in a child process the way its image does (the Dockerfile's ENTRYPOINT
 * flags, e.g. `node --enable-source-maps --max-old-space-size=256 … dist/main.js`;
 * its own env: that namespace, the stand-in, a token file). The image sets the
 * V8 heap sizes explicitly, so they are the same here as in the pod (without
 * them Node derives them from the memory it sees: the pod's 256Mi limit
 * there, this host's RAM here).
 * Then, in two rounds of 250, 500 Deliveries are created and driven through
 * their stages the way the runner and deployer do (90 % test → build →
 * deploy production → Live, 10 % failing their tests), while the stand-in
 * keeps being told to answer bursts of 429 (Retry-After: 1), 503 and 502.
 * The Deliveries stay, so after round 2 the notifier holds all 500.
 *
 * It checks and prints: every final status and deployment correct with one
 * row per status name; GitLab requests vs stage transitions plus retries;
 * the service's RSS (/proc, the child's) at idle — ready, leading, synced,
 * then 5 s quiet — and after each round (converged, then 5 s quiet), with
 * the targets (≤ 120 MB idle, ≤ 160 MB after 500), each with where it is
 * (smaps) and the service's own V8 figures (committed per space, used,
 * limit, external; from `bench/memory-probe.mjs`, preloaded with `--import`,
 * passive until the bench sends SIGWINCH); and its CPU time per Delivery.
 *
 * A/B in the same run: when the image's flags size the V8 heap
 * (`--max-old-space-size`, `--max-semi-space-size`, …), the whole scenario
 * also runs without them (Node's defaults on this host), in its own namespace
 * and process; `BENCH_AB_PAIRS=n` alternates n pairs (0: no A/B),
 * `BENCH_AB_ALSO='<flags>;<flags>'` adds more flag sets to the comparison.
 * Bounded: 10 minutes per round at most; a cluster it started is stopped.
 *
 * For finding where memory goes: `BENCH_HEAP_SNAPSHOTS=<dir>` writes the
 * service's heap snapshot after the last round (after the figures: it leaves
 * native memory behind) and prints its last GC lines; `BENCH_GC_LOG=<file>`
 * writes its `--trace-gc` lines with the bench's phases;
 * `BENCH_PROMOTED_PROFILE=<prefix>` writes, at each figure, a sampling heap
 * profile of what survived young-generation GCs (what fills the old space);
 * `BENCH_SMAPS_DIR=<dir>` keeps a copy of its smaps at each figure.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubeClientFromFile, type KubeClient, type KubeObject } from '@sluice/kube';
import { describeProcMemory, freePort, procMemory, rssMb, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { installCrds, waitUntil } from '../src/testing/crds.testkit.js';
import { deliveryObject, fakeSha } from '../src/testing/delivery.testkit.js';
import { StatusDriver } from '../src/testing/driver.testkit.js';
import { startCluster, startGitlabStandIn, type GitlabStandIn } from './tools.testkit.js';

const TOKEN = 'glpat-bench';
const PROJECTS = Array.from({ length: 25 }, (_, i) => ({ id: 9000 + i, path: `bench/app-${i}` }));
const ROUNDS = 2;
const PER_ROUND = 250;
const DRIVERS = 16;
const ROUND_TIMEOUT_MS = 600_000;
const QUIET_MS = 5_000;
const TARGET_IDLE_MB = 120;
const TARGET_LOADED_MB = 160;
const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The bundle the image ships (`npm run bench` builds it first). */
const ENTRY = join(APP_DIR, 'dist', 'main.js');
/** The `node` flags of the image's ENTRYPOINT, so the service runs here as it is deployed. */
const IMAGE_NODE_ARGS = imageNodeArgs(readFileSync(join(APP_DIR, 'Dockerfile'), 'utf8'));
/** Set to a directory to get a heap snapshot of the service after the last round there (for finding where memory goes). */
const SNAPSHOTS = process.env['BENCH_HEAP_SNAPSHOTS'];
/** Extra `node` flags for the service, for A/B runs (e.g. `--max-semi-space-size=2`); space-separated. */
const EXTRA_NODE_ARGS = (process.env['BENCH_SERVICE_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
/** Set to a file to get the service's `--trace-gc` lines there (with the bench's phases, ms since the service started). */
const GC_LOG = process.env['BENCH_GC_LOG'];
const phases: string[] = [];
/** Set to a directory to get a copy of the service's /proc/<pid>/smaps at each RSS figure. */
const SMAPS_DIR = process.env['BENCH_SMAPS_DIR'];
/** V8 flags that size the heap: what the A/B leaves out of the image's flags. */
const V8_MEMORY_FLAG = /^--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|max-old-space-size|max-heap-size|optimize-for-size|heap-growing-percent)\b/;
/** Set to a file prefix to get, per variant, a sampling heap profile of what survives young-generation GCs (`<prefix>-v<i>-<n>.heapprofile`, one per figure). */
const PROMOTED_PROFILE = process.env['BENCH_PROMOTED_PROFILE'];
/** Preloaded into the service: on SIGWINCH it writes its V8/Node memory figures to BENCH_MEMORY_FILE (passive otherwise). */
const MEMORY_PROBE = join(APP_DIR, 'bench', 'memory-probe.mjs');
const run = Date.now().toString(36);
interface Expectation {
  readonly name: string;
  readonly sha: string;
  readonly projectId: number;
  readonly fails: boolean;
}

/** GitLab-visible transitions per delivery: distinct states per status name, plus deployment moves. */
function transitionsOf(e: Expectation): number {
  // test: pending, running, success|failed. Passing: build and deploy pending, running, success; deployment running, success.
  // Failing: build and deploy pending, canceled; no deployment.
  return e.fails ? 3 + 2 + 2 : 3 + 3 + 3 + 2;
}

function finalOf(e: Expectation): Record<string, string> {
  return e.fails
    ? { 'sluice/test': 'failed', 'sluice/build': 'canceled', 'sluice/deploy:production': 'canceled' }
    : { 'sluice/test': 'success', 'sluice/build': 'success', 'sluice/deploy:production': 'success' };
}

async function drive(kube: KubeClient, ns: string, e: Expectation): Promise<void> {
  const d = new StatusDriver(kube, ns, e.name);
  await d.init(['production']);
  await d.start({ name: 'test' }, 'Testing');
  if (e.fails) {
    await d.fail({ name: 'test' }, 'TestsFailed', '1 of 40 tests failed: test_bench');
    return;
  }
  await d.succeed({ name: 'test' });
  await d.start({ name: 'build' }, 'Building');
  await d.succeed({ name: 'build' });
  await d.start({ name: 'deploy', environment: 'production' }, 'Deploying');
  await d.succeed({ name: 'deploy', environment: 'production' }, 'Live');
}

async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Every expected final status, one row per name, and the deployment. Returns the problems. */
function check(gitlab: GitlabStandIn, expectations: readonly Expectation[]): string[] {
  const problems: string[] = [];
  for (const e of expectations) {
    const rows = gitlab.statuses({ sha: e.sha });
    for (const [name, state] of Object.entries(finalOf(e))) {
      const mine = rows.filter((r) => r.name === name);
      if (mine.length !== 1 || mine[0]?.status !== state) problems.push(`${e.name} ${name}: ${mine.map((r) => r.status).join(',') || 'missing'} (want one ${state})`);
    }
    const deployments = gitlab.deployments({ projectId: e.projectId }).filter((x) => x.sha === e.sha).map((x) => x.status);
    const want = e.fails ? [] : ['success'];
    if (deployments.join() !== want.join()) problems.push(`${e.name} deployments: [${deployments.join()}] (want [${want.join()}])`);
  }
  return problems;
}

/** One way of starting the service, measured through the whole scenario. */
interface Variant {
  readonly label: string;
  readonly nodeArgs: readonly string[];
  /** The image's own flags: the targets apply to it. */
  readonly deployed: boolean;
}

/** What one variant's run measured. */
interface VariantResult {
  readonly variant: Variant;
  readonly rows: string[][];
  readonly memory: string[];
  readonly idleMb: number;
  readonly roundMb: number[];
  /** The service's CPU time (all threads) per Delivery, per round: from the round's start until GitLab heard nothing for 3 s. */
  readonly cpuMsPerDelivery: number[];
  readonly ok: boolean;
  readonly load: string;
}

/** Shared by the variants: one cluster, one stand-in, one scratch directory. */
interface Bench {
  readonly kube: KubeClient;
  readonly kubeconfig: string;
  readonly gitlab: GitlabStandIn;
  readonly dir: string;
}

async function runVariant(bench: Bench, variant: Variant, index: number): Promise<VariantResult> {
  const { kube, kubeconfig, gitlab, dir } = bench;
  let service: ServiceProcess | undefined;
  let ns: string | undefined;
  const rows: string[][] = [];
  const memory: string[] = [];
  const roundMb: number[] = [];
  const cpuMsPerDelivery: number[] = [];
  let idleMb = Number.NaN;
  let ok = true;
  const tag = `${run}-v${index}`;
  try {
    ns = (await kube.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'notifier-bench-' } })).metadata.name as string;
    const memoryFile = join(dir, `memory-${index}.json`);
    const spawnedAt = performance.now();
    const phase = (what: string) => phases.push(`-- ${Math.round(performance.now() - spawnedAt)} ms: ${what}`);
    phases.push(`== variant ${index}: ${variant.label}`);
    service = await startServiceProcess({
      entry: ENTRY,
      nodeArgs: [...variant.nodeArgs, '--import', MEMORY_PROBE, ...(GC_LOG ? ['--trace-gc'] : []), ...(SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOTS}`, '--trace-gc'] : [])],
      env: {
        KUBECONFIG: kubeconfig,
        SLUICE_HOST: '127.0.0.1',
        SLUICE_PORT: String(await freePort()),
        SLUICE_NAMESPACE: ns,
        SLUICE_GITLAB_URL: gitlab.url,
        SLUICE_GITLAB_TOKEN_FILE: join(dir, 'token'),
        SLUICE_GITLAB_TIMEOUT: '5s',
        SLUICE_GITLAB_CONCURRENCY: '8',
        SLUICE_GITLAB_MAX_BACKOFF: '2s',
        SLUICE_PUBLIC_URL: 'https://sluice.example.test',
        BENCH_MEMORY_FILE: memoryFile,
        // What survives young-generation GCs (fills the old space), sampled from start-up: written at each figure.
        ...(PROMOTED_PROFILE ? { BENCH_PROMOTED_PROFILE: `${PROMOTED_PROFILE}-v${index}` } : {}),
        // A heap snapshot stops the process for seconds, which can cost a Lease: no election then.
        ...(SNAPSHOTS ? { SLUICE_LEADER_ELECTION: 'false' } : {}),
        // For A/B runs of runtime settings, e.g. BENCH_SERVICE_ENV='{"MALLOC_ARENA_MAX":"2"}'.
        ...(JSON.parse(process.env['BENCH_SERVICE_ENV'] ?? '{}') as Record<string, string>),
      },
    });
    const child = service;
    await waitUntil(async () => (await child.get('/readyz')).status === 200, 'the notifier to be ready', 60_000);
    await waitUntil(async () => {
      const status = (await (await child.get('/leaderz')).json()) as { role?: string; synced?: boolean };
      return status.role === 'leader' && status.synced === true;
    }, 'the notifier to lead with synced caches', 60_000);
    await sleep(QUIET_MS);
    phase('idle figure');
    idleMb = rssMb(child.pid);
    memory.push(rssRow('idle (ready, leading, synced, 5 s quiet)', idleMb, variant.deployed ? TARGET_IDLE_MB : undefined), ...(await whereMemory(child.pid, memoryFile, `v${index}-idle`)));
    if (variant.deployed) ok &&= idleMb <= TARGET_IDLE_MB;

    for (let round = 1; round <= ROUNDS; round++) {
      const before = gitlab.requests().length;
      const expectations: Expectation[] = Array.from({ length: PER_ROUND }, (_, i) => {
        const n = (round - 1) * PER_ROUND + i;
        return { name: `b-${tag}-${n}`, sha: fakeSha(`${tag}-${n}`), projectId: PROJECTS[n % PROJECTS.length]?.id as number, fails: n % 10 === 9 };
      });
      // Bursts of trouble for as long as the round drives: 429 with Retry-After, 503, 502.
      let burst = 0;
      const faults = setInterval(() => {
        const kind = burst++ % 3;
        if (kind === 0) gitlab.inject({ status: 429, retryAfter: 1, times: 3 });
        else if (kind === 1) gitlab.inject({ status: 503, times: 4 });
        else gitlab.inject({ status: 502, times: 2 });
      }, 400);
      phase(`round ${round} starts`);
      const cpuBefore = cpuMs(child.pid);
      const started = performance.now();
      try {
        await pool(expectations, DRIVERS, async (e) => {
          const project = PROJECTS.find((p) => p.id === e.projectId) as (typeof PROJECTS)[number];
          await kube.create(deliveryObject({ name: e.name, namespace: ns as string, sha: e.sha, project, environments: ['production'] }));
          await drive(kube, ns as string, e);
        });
      } finally {
        clearInterval(faults);
      }
      const drivenMs = performance.now() - started;
      await waitUntil(() => alive(child) && check(gitlab, expectations).length === 0, `round ${round} to converge`, ROUND_TIMEOUT_MS).catch((error: unknown) => {
        const problems = check(gitlab, expectations);
        throw new Error(`${String(error)}: ${problems.length} wrong, e.g. ${problems.slice(0, 5).join('; ')}`);
      });
      const convergedMs = performance.now() - started;
      phase(`round ${round} converged`);
      // Converged; wait until the notifier sends nothing more (retries of faults still queued would show here).
      await quiet(gitlab);
      cpuMsPerDelivery.push((cpuMs(child.pid) - cpuBefore) / PER_ROUND);
      gitlab.clearFaults();

      const requests = gitlab.requests().slice(before);
      const faulted = requests.filter((r) => r.fault).length;
      const already = requests.filter((r) => r.status === 400).length;
      const gets = requests.filter((r) => r.method === 'GET').length;
      const transitions = expectations.reduce((sum, e) => sum + transitionsOf(e), 0);
      const problems = check(gitlab, expectations);
      const bounded = requests.length <= transitions + faulted + already;
      ok &&= problems.length === 0 && bounded;
      await sleep(QUIET_MS);
      phase(`round ${round} figure`);
      const rss = rssMb(child.pid);
      roundMb.push(rss);
      const held = round * PER_ROUND;
      const target = variant.deployed && round === ROUNDS ? TARGET_LOADED_MB : undefined;
      memory.push(rssRow(`after round ${round} (${held} Deliveries handled and held, 5 s quiet)`, rss, target), ...(await whereMemory(child.pid, memoryFile, `v${index}-round-${round}`)));
      if (target !== undefined) ok &&= rss <= target;
      if (SNAPSHOTS && round === ROUNDS) await heapSnapshot(child.pid);
      rows.push([
        `${variant.deployed ? '' : '(A/B) '}round ${round}: ${PER_ROUND} deliveries (${PER_ROUND / 10} failing)`,
        String(transitions),
        String(requests.length),
        String(faulted),
        String(already),
        String(gets),
        bounded ? 'yes' : 'NO',
        problems.length === 0 ? 'all correct' : `${problems.length} wrong: ${problems.slice(0, 3).join('; ')}`,
        `${(drivenMs / 1000).toFixed(1)} / ${(convergedMs / 1000).toFixed(1)} (load ${loadavg()[0]?.toFixed(1)})`,
      ]);
    }
  } finally {
    const exit = await service?.stop().catch(() => undefined);
    if (GC_LOG) phases.push(...(exit?.stdout ?? '').split('\n').filter((l) => /Mark-Compact|Scavenge|Mark-sweep/.test(l)));
    if (SNAPSHOTS) console.log(`last GCs:\n${(exit?.stdout ?? '').split('\n').filter((l) => /Mark-Compact|Scavenge/.test(l)).slice(-6).join('\n')}`);
    if (exit && exit.code !== 0) console.error(`the notifier exited ${exit.code ?? exit.signal}: ${exit.stderr.slice(-2_000)}\n${exit.stdout.split('\n').filter((l) => !l.includes('"level":30')).slice(-20).join('\n')}`);
    if (ns) await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
  }
  return { variant, rows, memory, idleMb, roundMb, cpuMsPerDelivery, ok, load: loadavg().map((l) => l.toFixed(2)).join(' ') };
}

/**
 * The image's flags (plus BENCH_SERVICE_NODE_ARGS), and for the A/B the same without the V8 memory flags among
 * them; in alternating order over BENCH_AB_PAIRS pairs (default 1; 0: the image's flags only).
 */
function variants(): Variant[] {
  const deployed: Variant = { label: `as deployed: node ${[...IMAGE_NODE_ARGS, ...EXTRA_NODE_ARGS].join(' ')}`, nodeArgs: [...IMAGE_NODE_ARGS, ...EXTRA_NODE_ARGS], deployed: true };
  const without = IMAGE_NODE_ARGS.filter((a) => !V8_MEMORY_FLAG.test(a));
  const removed = [...IMAGE_NODE_ARGS.filter((a) => V8_MEMORY_FLAG.test(a)), ...EXTRA_NODE_ARGS];
  const pairs = Number(process.env['BENCH_AB_PAIRS'] ?? '1');
  if (removed.length === 0 || pairs === 0) return [deployed];
  const baseline: Variant = { label: `A/B: node ${without.join(' ')} (without ${removed.join(' ')})`, nodeArgs: without, deployed: false };
  // More flag sets to compare in the same run, ';'-separated, e.g. BENCH_AB_ALSO='--max-semi-space-size=1;--optimize-for-size'.
  const also = (process.env['BENCH_AB_ALSO'] ?? '').split(';').filter((f) => f.trim() !== '');
  const others: Variant[] = also.map((flags) => {
    const nodeArgs = [...without, ...flags.split(' ').filter((a) => a !== '')];
    return { label: `A/B: node ${nodeArgs.join(' ')}`, nodeArgs, deployed: false };
  });
  return Array.from({ length: pairs }, (_, i) => (i % 2 === 0 ? [baseline, ...others, deployed] : [deployed, ...others, baseline])).flat();
}

async function main(): Promise<void> {
  const shared = process.env['SLUICE_KUBECONFIG'];
  const cluster = shared ? undefined : await startCluster({ node: 'agent', nodeAgent: false });
  const kubeconfig = shared ?? (cluster?.kubeconfigPath as string);
  const kube = kubeClientFromFile(kubeconfig, { fieldManager: 'notifier-bench' });
  const gitlab = await startGitlabStandIn({ token: TOKEN, projects: PROJECTS });
  const dir = await mkdtemp(join(tmpdir(), 'notifier-bench-'));
  const results: VariantResult[] = [];
  let failed = false;
  try {
    await installCrds(kube);
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    for (const [index, variant] of variants().entries()) {
      try {
        const result = await runVariant({ kube, kubeconfig, gitlab, dir }, variant, index);
        results.push(result);
        printMemory(result);
      } catch (error) {
        // One variant failing (e.g. not converging) does not lose the others' figures.
        failed = true;
        console.error(`${variant.label}: ${String(error)}`);
      }
    }
  } finally {
    if (GC_LOG) writeFileSync(GC_LOG, phases.join('\n'));
    await gitlab.close();
    await rm(dir, { recursive: true, force: true });
    await cluster?.stop();
  }
  printTable(
    ['scenario', 'transitions', 'GitLab requests', 'faults injected', '400 already', 'GET verify', 'req ≤ trans+retries', 'final statuses', 'driven / converged s'],
    results.flatMap((r) => r.rows),
  );
  for (const r of results) printMemory(r);
  if (results.length > 1) {
    console.log(`\nA/B in this run (targets: the deployed flags; CPU: the service's user+system time, all threads, per Delivery from a round's start until GitLab heard nothing for 3 s)`);
    printTable(
      ['node flags', 'idle RSS MB', `after ${PER_ROUND} MB`, `after ${ROUNDS * PER_ROUND} MB`, 'CPU ms / delivery (round 1, 2: all)', 'load at end'],
      results.map((r) => {
        const cpu = r.cpuMsPerDelivery;
        const all = cpu.reduce((a, b) => a + b, 0) / cpu.length;
        return [`${r.variant.deployed ? 'as deployed' : 'A/B'}: ${r.variant.nodeArgs.join(' ')}`, String(r.idleMb), String(r.roundMb[0] ?? '-'), String(r.roundMb[ROUNDS - 1] ?? '-'), `${cpu.map((c) => c.toFixed(1)).join(', ')}: ${all.toFixed(1)}`, r.load.split(' ')[0] ?? ''];
      }),
    );
  }
  if (failed || !results.every((r) => r.ok)) process.exitCode = 1;
}

function printMemory(r: VariantResult): void {
  console.log(`\nRSS of the built notifier (${r.variant.label} dist/main.js, one child process; load average ${r.load} at its end, 2 shared cores)`);
  for (const line of r.memory) console.log(line);
  console.log(`      CPU per delivery (user+system, all threads): ${r.cpuMsPerDelivery.map((c, i) => `round ${i + 1} ${c.toFixed(1)} ms`).join(', ')}`);
}

/** User plus system CPU time of process `pid` so far, in ms (Linux /proc; every thread, GC helpers included). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3; utime and stime are fields 14 and 15 (clock ticks, 100 a second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function imageNodeArgs(dockerfile: string): string[] {
  const argv = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  if (argv[0] !== 'node') throw new Error(`the Dockerfile's ENTRYPOINT is not ["node", …]: ${JSON.stringify(argv)}`);
  return argv.slice(1);
}

/** The smaps breakdown and the service's own V8/Node figures (from the preloaded probe), as indented lines. */
async function whereMemory(pid: number, file: string, label: string): Promise<string[]> {
  const smaps = describeProcMemory(procMemory(pid));
  if (SMAPS_DIR) copyFileSync(`/proc/${pid}/smaps`, join(SMAPS_DIR, `smaps-${label}`));
  const sent = Date.now();
  process.kill(pid, 'SIGWINCH');
  let figures: ProbeFigures | undefined;
  for (let i = 0; i < 40 && figures === undefined; i++) {
    await sleep(50);
    const read = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ProbeFigures) : undefined;
    if (read && read.at >= sent) figures = read;
  }
  if (!figures) return [`      ${smaps}`, '      (no V8 figures from the probe)'];
  const mb = (bytes: number | undefined) => ((bytes ?? 0) / 1_048_576).toFixed(1);
  const space = (name: string) => figures.spaces[name] ?? { committed: 0, used: 0 };
  const young = space('new_space').committed + space('new_large_object_space').committed;
  const old = space('old_space');
  const code = space('code_space').committed + space('code_large_object_space').committed;
  const large = space('large_object_space');
  const { usage } = figures;
  return [
    `      ${smaps}`,
    `      V8 heap committed ${mb(usage.heapTotal)} (young ${mb(young)}, old ${mb(old.committed)} of which used ${mb(old.used)}, code ${mb(code)}, large objects ${mb(large.committed)}), used ${mb(usage.heapUsed)}, limit ${mb(figures.heapLimit)}; external ${mb(usage.external)} (ArrayBuffers ${mb(usage.arrayBuffers)}) MB`,
  ];
}

interface ProbeFigures {
  readonly at: number;
  readonly usage: NodeJS.MemoryUsage;
  readonly spaces: Readonly<Record<string, { readonly committed: number; readonly used: number }>>;
  readonly heapLimit: number;
}

function rssRow(what: string, mb: number, target: number | undefined): string {
  const verdict = target === undefined ? '' : mb <= target ? `  ok (≤ ${target} MB)` : `  OVER ${target} MB`;
  return `  ${what.padEnd(58)} ${String(mb).padStart(5)} MB${verdict}`;
}

/** True while the service runs; throws once it exited (its output is printed when it is stopped). */
function alive(service: ServiceProcess): boolean {
  if (!existsSync(`/proc/${service.pid}`)) throw new Error(`the notifier (pid ${service.pid}) exited`);
  return true;
}

/** Asks the service for a heap snapshot (written to SNAPSHOTS) and gives it time to write it. */
async function heapSnapshot(pid: number): Promise<void> {
  process.kill(pid, 'SIGUSR2');
  await sleep(15_000);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once the stand-in has received no request for 3 s. */
async function quiet(gitlab: GitlabStandIn): Promise<void> {
  let count = gitlab.requests().length;
  let since = Date.now();
  while (Date.now() - since < 3_000) {
    await sleep(250);
    const now = gitlab.requests().length;
    if (now !== count) [count, since] = [now, Date.now()];
  }
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of body) console.log(line(r));
}

await main();
