/**
 * Test-runner benchmark on a local cluster with a real node.
 *
 *   npm run bench -w @sluice/test-runner
 *   SLUICE_KUBECONFIG=<admin kubeconfig> npm run bench -w @sluice/test-runner   (reuse a running cluster of `npm run cluster`)
 *   LATENCY_SAMPLES=60 MEMORY_DELIVERIES=500 SIZES=25,50 PHASES=latency,memory,throughput npm run bench -w @sluice/test-runner
 *
 * 1. Latency (latency.ts): Delivery created → its test Job created, the
 *    built runner in its own process, against two baselines of the same run.
 *    Targets p50 ≤ 60 ms, p90 ≤ 200 ms.
 * 2. Memory (memory.ts): the built runner's RSS at idle and after
 *    MEMORY_DELIVERIES Deliveries ran. Targets ≤ 120 MB / ≤ 160 MB.
 * 3. Throughput (throughput.ts): N Deliveries at once, 5 Jobs at a time,
 *    every one finishes; the runner's API requests grow linearly in N.
 *
 * The Jobs run for real: a clone of the exact SHA from the bench's Git
 * server, then `true`. Exits 1 when a target is missed.
 */
import { kubeClientFromFile } from '@sluice/kube';
import { installCrds } from '../src/testing/runner.testkit.js';
import { benchCluster } from './cluster.js';
import { latencyPhase } from './latency.js';
import { memoryPhase } from './memory.js';
import { benchRepo, buildRunner } from './setup.js';
import { load, percentile } from './stats.js';
import { throughputPhase } from './throughput.js';

const PHASES = new Set((process.env['PHASES'] ?? 'latency,memory,throughput').split(','));
const SIZES = (process.env['SIZES'] ?? '25,50').split(',').map(Number);
const LATENCY_SAMPLES = Number(process.env['LATENCY_SAMPLES'] ?? 60);
const MEMORY_DELIVERIES = Number(process.env['MEMORY_DELIVERIES'] ?? 500);
const MEMORY_CONCURRENCY = Number(process.env['MEMORY_CONCURRENCY'] ?? 15);
const DEADLINE_MS = Number(process.env['BENCH_DEADLINE_MS'] ?? 45 * 60_000);

const started = Date.now();
const deadline = setTimeout(() => {
  console.error(`benchmark exceeded ${DEADLINE_MS} ms; giving up`);
  process.exit(2);
}, DEADLINE_MS);

const cluster = await benchCluster();
const admin = kubeClientFromFile(cluster.kubeconfigPath, { fieldManager: 'bench' });
const { node, kubeconfigPath: kubeconfig } = cluster;
const repo = await benchRepo(node);
console.log(`test-runner bench: ${node.kind} node (clone ${node.cloneImage}, test ${node.testImage}); load average ${load()}`);
if (node.kind !== 'real') console.log('  (not a real node: the Jobs run as host processes; figures are not the documented ones)');
let ok = true;
try {
  await installCrds(admin);
  if (PHASES.has('latency') || PHASES.has('memory')) buildRunner();
  if (PHASES.has('latency')) {
    const targets = { p50: 60, p90: 200 };
    const { runner } = await latencyPhase({ admin, kubeconfig, repo, node, samples: LATENCY_SAMPLES, warmup: 3, gapMs: 150, targets });
    ok &&= percentile(runner, 50) <= targets.p50 && percentile(runner, 90) <= targets.p90;
  }
  if (PHASES.has('memory')) {
    const targets = { idleMb: 120, afterMb: 160 };
    const { idleMb, afterMb } = await memoryPhase({
      admin,
      kubeconfig,
      repo,
      node,
      deliveries: MEMORY_DELIVERIES,
      concurrency: MEMORY_CONCURRENCY,
      quietMs: 5_000,
      targets,
      ...(process.env['SNAPSHOTS'] && { snapshotDir: process.env['SNAPSHOTS'] }),
    });
    ok &&= idleMb <= targets.idleMb && afterMb <= targets.afterMb;
  }
  if (PHASES.has('throughput')) await throughputPhase({ admin, kubeconfig, repo, node, sizes: SIZES });
} finally {
  clearTimeout(deadline);
  await repo.git.close();
  await cluster.stop();
}
console.log(`\ntotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s; load average ${load()}; targets ${ok ? 'met' : 'NOT all met'}`);
process.exit(ok ? 0 : 1);
