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
 * flags, e.g. `node --enable-source-maps dist/main.js`; its own env: that
 * namespace, the stand-in, a token file).
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
 * the targets (≤ 120 MB idle, ≤ 160 MB after 500). Bounded: 10 minutes per
 * round at most; a cluster it started is stopped. `BENCH_HEAP_SNAPSHOTS=<dir>`
 * also writes the service's heap snapshot after the last round (taken after the
 * figures: it leaves native memory behind) and prints its last GC lines.
 */
import { existsSync, readFileSync } from 'node:fs';
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

async function main(): Promise<void> {
  const shared = process.env['SLUICE_KUBECONFIG'];
  const cluster = shared ? undefined : await startCluster({ node: 'agent', nodeAgent: false });
  const kubeconfig = shared ?? (cluster?.kubeconfigPath as string);
  const kube = kubeClientFromFile(kubeconfig, { fieldManager: 'notifier-bench' });
  const gitlab = await startGitlabStandIn({ token: TOKEN, projects: PROJECTS });
  const dir = await mkdtemp(join(tmpdir(), 'notifier-bench-'));
  let service: ServiceProcess | undefined;
  let ns: string | undefined;
  const rows: string[][] = [];
  const memory: string[] = [];
  let ok = true;
  try {
    await installCrds(kube);
    ns = (await kube.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'notifier-bench-' } })).metadata.name as string;
    await writeFile(join(dir, 'token'), `${TOKEN}\n`);
    service = await startServiceProcess({
      entry: ENTRY,
      nodeArgs: [...IMAGE_NODE_ARGS, ...EXTRA_NODE_ARGS, ...(SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOTS}`, '--trace-gc'] : [])],
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
    const idleMb = rssMb(child.pid);
    memory.push(rssRow('idle (ready, leading, synced, 5 s quiet)', idleMb, TARGET_IDLE_MB), `      ${describeProcMemory(procMemory(child.pid))}`);
    ok &&= idleMb <= TARGET_IDLE_MB;

    for (let round = 1; round <= ROUNDS; round++) {
      const before = gitlab.requests().length;
      const expectations: Expectation[] = Array.from({ length: PER_ROUND }, (_, i) => {
        const n = (round - 1) * PER_ROUND + i;
        return { name: `b-${run}-${n}`, sha: fakeSha(`${run}-${n}`), projectId: PROJECTS[n % PROJECTS.length]?.id as number, fails: n % 10 === 9 };
      });
      // Bursts of trouble for as long as the round drives: 429 with Retry-After, 503, 502.
      let burst = 0;
      const faults = setInterval(() => {
        const kind = burst++ % 3;
        if (kind === 0) gitlab.inject({ status: 429, retryAfter: 1, times: 3 });
        else if (kind === 1) gitlab.inject({ status: 503, times: 4 });
        else gitlab.inject({ status: 502, times: 2 });
      }, 400);
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
      // Converged; wait until the notifier sends nothing more (retries of faults still queued would show here).
      await quiet(gitlab);
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
      const rss = rssMb(child.pid);
      const held = round * PER_ROUND;
      memory.push(
        rssRow(`after round ${round} (${held} Deliveries handled and held, 5 s quiet)`, rss, round === ROUNDS ? TARGET_LOADED_MB : undefined),
        `      ${describeProcMemory(procMemory(child.pid))}`,
      );
      if (round === ROUNDS) ok &&= rss <= TARGET_LOADED_MB;
      if (SNAPSHOTS && round === ROUNDS) await heapSnapshot(child.pid);
      rows.push([
        `round ${round}: ${PER_ROUND} deliveries (${PER_ROUND / 10} failing)`,
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
    if (SNAPSHOTS) console.log(`last GCs:\n${(exit?.stdout ?? '').split('\n').filter((l) => /Mark-Compact|Scavenge/.test(l)).slice(-6).join('\n')}`);
    if (exit && exit.code !== 0) console.error(`the notifier exited ${exit.code ?? exit.signal}: ${exit.stderr.slice(-2_000)}\n${exit.stdout.split('\n').filter((l) => !l.includes('"level":30')).slice(-20).join('\n')}`);
    await gitlab.close();
    if (ns) await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
    await cluster?.stop();
  }
  printTable(
    ['scenario', 'transitions', 'GitLab requests', 'faults injected', '400 already', 'GET verify', 'req ≤ trans+retries', 'final statuses', 'driven / converged s'],
    rows,
  );
  console.log(`\nRSS of the built notifier (node ${[...IMAGE_NODE_ARGS, ...EXTRA_NODE_ARGS].join(' ')} dist/main.js, one child process; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, 2 shared cores)`);
  for (const line of memory) console.log(line);
  if (!ok) process.exitCode = 1;
}

function imageNodeArgs(dockerfile: string): string[] {
  const argv = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  if (argv[0] !== 'node') throw new Error(`the Dockerfile's ENTRYPOINT is not ["node", …]: ${JSON.stringify(argv)}`);
  return argv.slice(1);
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
