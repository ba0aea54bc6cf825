/**
 * Test-runner benchmark on the local control plane (127.0.0.1 only).
 *
 *   npm run bench -w @sluice/test-runner
 *   SLUICE_KUBECONFIG=<admin kubeconfig> npm run bench -w @sluice/test-runner   (reuse a running cluster)
 *   SIZES=50,100,200 LATENCY_SAMPLES=20 npm run bench -w @sluice/test-runner
 *
 * 1. Latency: Delivery created → its test Job created (seen by a watch), with
 *    free slots; p50 target ≤ 100 ms.
 * 2. Throughput: N Deliveries created at once, concurrency 5, every one
 *    finishes (real pods: a real clone of the exact SHA from a local Git
 *    server, then `true`). Counts the runner's API requests at its KubeConfig
 *    (see request-counter.ts) to show they grow linearly in N.
 */
import type { Delivery } from '@sluice/delivery';
import { KubeClient, kubeClientFromFile, type KubeObject } from '@sluice/kube';
import { loadKubeConfig } from '@sluice/kube/testing';
import { createLogger } from '@sluice/service';
import { TestRunnerController } from '../src/controller/controller.js';
import type { RunnerSettings } from '../src/controller/settings.js';
import { startGitServer } from '../src/testing/git-server.testkit.js';
import { createNamespace, createRunnerSecrets, deliveriesPath, installCrds, jobsPath, sampleApplication, sampleDelivery } from '../src/testing/runner.testkit.js';
import { benchCluster } from './cluster.js';
import { RequestCounter } from './request-counter.js';

const SIZES = (process.env['SIZES'] ?? '50,100,200').split(',').map(Number);
const LATENCY_SAMPLES = Number(process.env['LATENCY_SAMPLES'] ?? 20);
const DEADLINE_MS = Number(process.env['BENCH_DEADLINE_MS'] ?? 15 * 60_000);

const started = Date.now();
const deadline = setTimeout(() => {
  console.error(`benchmark exceeded ${DEADLINE_MS} ms; giving up`);
  process.exit(2);
}, DEADLINE_MS);

const cluster = await benchCluster();
const admin = kubeClientFromFile(cluster.kubeconfigPath, { fieldManager: 'bench' });
const git = await startGitServer();
const repo = await git.createRepository('bench', [{ 'test.sh': 'true\n' }]);
const sha = repo.shas[0] as string;
const logger = createLogger({ service: 'test-runner', level: 'warn' });

interface Env {
  readonly ns: string;
  readonly testNs: string;
}

async function environment(): Promise<Env> {
  const [ns, testNs] = await Promise.all([createNamespace(admin, 'bench'), createNamespace(admin, 'bench-test')]);
  await createRunnerSecrets(admin, testNs);
  await admin.create(sampleApplication(ns, 'bench', repo.url, { rules: [{ refs: '**', environments: [] }], test: { image: 'busybox', commands: ['sh test.sh'], timeoutSeconds: 60 } }));
  return { ns, testNs };
}

function runner(env: Env, counter: RequestCounter, maxConcurrentJobs: number): TestRunnerController {
  const kubeConfig = counter.instrument(loadKubeConfig({ mode: 'file', path: cluster.kubeconfigPath }));
  const settings: RunnerSettings = {
    namespace: env.ns,
    testNamespace: env.testNs,
    buildNamespace: env.testNs,
    maxConcurrentJobs,
    // Every bench Delivery is of one project: its share is every slot, so the bench measures what it did before.
    maxConcurrentJobsPerProject: maxConcurrentJobs,
    gitCredentialsSecret: 'git',
    gitUrl: new URL(repo.url).origin,
    cloneImage: 'alpine/git:local',
    quotaWaitMs: 60_000,
    podPendingGraceMs: 60_000,
    backoffLimit: 0,
    jobTtlSeconds: 3600,
    logTailLines: 20,
    build: { mode: 'archive', builderImage: 'alpine:3', registryCredentialsSecret: 'registry', plainHttpRegistries: [], artifactRegistryUrl: 'http://127.0.0.1:9' },
  };
  return new TestRunnerController({ client: new KubeClient({ kubeConfig, fieldManager: 'sluice-test-runner' }), settings, logger });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function cleanup(env: Env): Promise<void> {
  await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: env.ns });
  await admin.delete({ apiVersion: 'v1', kind: 'Namespace', name: env.testNs });
}

await installCrds(admin);

// 1. Latency: Delivery POST → test Job ADDED on a watch.
{
  const env = await environment();
  const counter = new RequestCounter();
  const controller = runner(env, counter, LATENCY_SAMPLES + 1);
  await controller.start();
  const seen = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const jobs = admin.informer<KubeObject>({
    path: jobsPath(env.testNs),
    onEvent: (e) => {
      if (e.type !== 'ADDED') return;
      const name = e.object.metadata.name ?? '';
      seen.set(name, performance.now());
      waiters.get(name)?.();
    },
  });
  await jobs.waitForSync();
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    git.createRef('bench', `refs/heads/latency-${i}`, sha); // the clone checks the commit is on the pushed branch
    const d = sampleDelivery(env.ns, 'bench', { repositoryUrl: repo.url, sha, ref: `latency-${i}` });
    const jobName = `${d.metadata.name}-test`;
    const appeared = new Promise<void>((resolve) => waiters.set(jobName, resolve));
    const t0 = performance.now();
    await admin.create(d);
    await appeared;
    latencies.push((seen.get(jobName) ?? NaN) - t0);
    await new Promise((r) => setTimeout(r, 100));
  }
  jobs.stop();
  controller.stop();
  console.log('\nDelivery created → test Job created (client POST to Job ADDED on a watch)');
  console.table([{ samples: latencies.length, 'p50 ms': percentile(latencies, 50).toFixed(1), 'p90 ms': percentile(latencies, 90).toFixed(1), 'max ms': Math.max(...latencies).toFixed(1), 'target p50 ms': 100 }]);
  await cleanup(env);
}

// 2. Throughput and API requests per Delivery, concurrency 5.
const rows: Record<string, string | number>[] = [];
for (const n of SIZES) {
  const env = await environment();
  const counter = new RequestCounter();
  const controller = runner(env, counter, 5);
  await controller.start();
  const baseline = counter.total();
  counter.reset();
  let finished = 0;
  let maxRunning = 0;
  const running = new Set<string>();
  const allDone = new Promise<void>((resolve) => {
    const terminal = new Set<string>();
    const inf = admin.informer<KubeObject & Delivery>({
      path: deliveriesPath(env.ns),
      onEvent: (e) => {
        if (e.type === 'RESYNC' || e.type === 'DELETED') return;
        const d = e.object;
        const test = d.status?.stages.find((s) => s.name === 'test');
        if (test?.state === 'running') running.add(d.metadata.name);
        else running.delete(d.metadata.name);
        maxRunning = Math.max(maxRunning, running.size);
        if ((d.status?.phase === 'Passed' || d.status?.phase === 'Failed') && !terminal.has(d.metadata.name)) {
          terminal.add(d.metadata.name);
          if (d.status.phase === 'Passed') finished++;
          if (terminal.size === n) {
            inf.stop();
            resolve();
          }
        }
      },
    });
  });
  for (let i = 0; i < n; i++) git.createRef('bench', `refs/heads/load-${i}`, sha); // each push's branch, so its clone finds the commit on it
  const t0 = Date.now();
  const base = Date.now() - 3_600_000;
  for (let i = 0; i < n; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, (_, k) =>
        admin.create(sampleDelivery(env.ns, 'bench', { repositoryUrl: repo.url, sha, ref: `load-${i + k}`, receivedAt: new Date(base + (i + k) * 1000) })),
      ),
    );
  }
  await allDone;
  const seconds = (Date.now() - t0) / 1000;
  await controller.whenIdle();
  controller.stop();
  const byKind = Object.fromEntries([...counter.counts.entries()].sort());
  rows.push({
    deliveries: n,
    passed: finished,
    'max concurrent': maxRunning,
    'wall s': seconds.toFixed(1),
    'API requests': counter.total(),
    'per Delivery': (counter.total() / n).toFixed(2),
    'startup requests': baseline,
  });
  console.log(`\n${n} Deliveries: requests by kind`, byKind);
  await cleanup(env);
}
console.log('\nAll Deliveries finish; API requests grow linearly (per-Delivery cost constant):');
console.table(rows);
console.log(`total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
clearTimeout(deadline);
await git.close();
await cluster.stop();
process.exit(0);
