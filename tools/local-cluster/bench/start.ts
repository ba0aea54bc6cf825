/**
 * Warm start benchmark of the node-agent lane: how long from `startCluster({ node: 'agent' })` until every component
 * (etcd, kube-apiserver /readyz, kube-controller-manager, node agent) is
 * healthy, with the binaries already built. Target: ≤ 15 s.
 *
 *   npm run bench -w @sluice/local-cluster            (3 runs)
 *   RUNS=5 npm run bench -w @sluice/local-cluster
 *
 * Baseline in the same run: the cost of merely executing the apiserver binary
 * (`kube-apiserver --version`), so a slow, noisy machine shows as such.
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBinaries, readClusterState, startCluster } from '../src/index.js';

const runs = Number(process.env.RUNS ?? 3);
const binDir = await ensureBinaries();
const t = Date.now();
execFileSync(join(binDir, 'kube-apiserver'), ['--version']);
const baselineMs = Date.now() - t;

const totals: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = Date.now();
  const cluster = await startCluster({ node: 'agent' });
  const total = Date.now() - started;
  const state = await readClusterState(cluster.dir);
  totals.push(total);
  console.log(
    `run ${i + 1}: ready in ${total} ms (components healthy after: ${Object.entries(state?.readyAfterMs ?? {})
      .map(([name, ms]) => `${name} ${ms} ms`)
      .join(', ')})`,
  );
  await cluster.stop();
  await rm(cluster.dir, { recursive: true, force: true });
}
totals.sort((a, b) => a - b);
const median = totals[Math.floor(totals.length / 2)]!;
console.log(`baseline: kube-apiserver --version ${baselineMs} ms`);
console.log(`warm start to ready: median ${median} ms, min ${totals[0]} ms, max ${totals.at(-1)} ms over ${runs} runs (target ≤ 15000 ms)`);
process.exit(median <= 15_000 ? 0 : 1);
