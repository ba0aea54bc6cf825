/**
 * Notifier benchmark. One command, from the repository root:
 *
 *   npm run bench -w @sluice/notifier
 *
 * Starts a local control plane without the node agent (or reuses the one in
 * `SLUICE_KUBECONFIG`), installs the CRDs in a fresh namespace, starts the
 * GitLab stand-in on 127.0.0.1 with 25 projects, and runs the notifier's
 * controller in this process against both. Then, in two rounds of 250,
 * 500 Deliveries are created and driven through their stages the way the
 * runner and deployer do (90 % test → build → deploy production → Live,
 * 10 % failing their tests), while the stand-in keeps being told to answer
 * bursts of 429 (Retry-After: 1), 503 and 502.
 *
 * It checks and prints: every final status and deployment correct with one
 * row per status name; GitLab requests vs stage transitions plus retries;
 * heap and RSS after the controller started and after each round (round-1
 * Deliveries deleted and the stand-in's records dropped in between, so what
 * remains is the notifier's own memory). Bounded: 10 minutes per round at
 * most; a cluster it started is stopped.
 */
import { loadavg } from 'node:os';
import { GitlabClient } from '@sluice/gitlab';
import { kubeClientFromFile, type KubeClient, type KubeObject } from '@sluice/kube';
import { createLogger } from '@sluice/service';
import { NotifierController } from '../src/controller/controller.js';
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

function memory(): { heapMb: number; rssMb: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heapMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20 };
}

async function main(): Promise<void> {
  const shared = process.env['SLUICE_KUBECONFIG'];
  const cluster = shared ? undefined : await startCluster({ node: 'agent', nodeAgent: false });
  const kubeconfig = shared ?? (cluster?.kubeconfigPath as string);
  const kube = kubeClientFromFile(kubeconfig, { fieldManager: 'notifier-bench' });
  const gitlab = await startGitlabStandIn({ token: TOKEN, projects: PROJECTS });
  const outcomes: Record<string, number> = {};
  let controller: NotifierController | undefined;
  let ns: string | undefined;
  const rows: string[][] = [];
  let ok = true;
  try {
    await installCrds(kube);
    ns = (await kube.create<KubeObject>({ apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: 'notifier-bench-' } })).metadata.name as string;
    controller = new NotifierController({
      kube,
      gitlab: new GitlabClient({ host: gitlab.url, token: TOKEN, timeoutMs: 5_000 }),
      namespace: ns,
      decide: { prefix: 'sluice', publicUrl: 'https://sluice.example.test' },
      concurrency: 8,
      backoff: { initialMs: 100, maxMs: 2_000 },
      logger: createLogger({ service: 'notifier-bench', level: 'silent' }),
      onOutcome: (_call, outcome) => void (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1),
    });
    await controller.start();
    const baseline = memory();
    rows.push(['baseline (controller started)', '', '', '', '', '', '', '', baseline.heapMb.toFixed(1), baseline.rssMb.toFixed(1), '']);

    for (let round = 1; round <= ROUNDS; round++) {
      for (const key of Object.keys(outcomes)) delete outcomes[key];
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
      await waitUntil(() => check(gitlab, expectations).length === 0, `round ${round} to converge`, ROUND_TIMEOUT_MS);
      await controller.idle();
      const convergedMs = performance.now() - started;

      const requests = gitlab.requests();
      const faulted = requests.filter((r) => r.fault).length;
      const already = requests.filter((r) => r.status === 400).length;
      const gets = requests.filter((r) => r.method === 'GET').length;
      const transitions = expectations.reduce((sum, e) => sum + transitionsOf(e), 0);
      const problems = check(gitlab, expectations);
      const bounded = requests.length <= transitions + faulted + already;
      ok &&= problems.length === 0 && bounded;

      // Drop this round's Deliveries and the stand-in's records, so what memory remains is the notifier's.
      await pool(expectations, DRIVERS, async (e) => void (await kube.delete({ apiVersion: 'sluice.dev/v1alpha1', kind: 'Delivery', namespace: ns, name: e.name })));
      await waitUntil(() => controller?.stats().remembered === 0, 'the controller to forget deleted Deliveries', 60_000);
      gitlab.reset();
      const after = memory();
      rows.push([
        `round ${round}: ${PER_ROUND} deliveries (${PER_ROUND / 10} failing)`,
        String(transitions),
        String(requests.length),
        String(faulted),
        String(already),
        String(gets),
        bounded ? 'yes' : 'NO',
        problems.length === 0 ? 'all correct' : `${problems.length} wrong: ${problems.slice(0, 3).join('; ')}`,
        after.heapMb.toFixed(1),
        after.rssMb.toFixed(1),
        `${(drivenMs / 1000).toFixed(1)} / ${(convergedMs / 1000).toFixed(1)} (load ${loadavg()[0]?.toFixed(1)})`,
      ]);
    }
  } finally {
    controller?.stop();
    await gitlab.close();
    if (ns) await kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => undefined);
    await cluster?.stop();
  }
  printTable(
    ['scenario', 'transitions', 'GitLab requests', 'faults injected', '400 already', 'GET verify', 'req ≤ trans+retries', 'final statuses', 'heap MB', 'RSS MB', 'driven / converged s'],
    rows,
  );
  console.log(`\noutcomes seen by the controller in the last round: ${JSON.stringify(outcomes)}`);
  if (!ok) process.exitCode = 1;
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of body) console.log(line(r));
}

await main();
