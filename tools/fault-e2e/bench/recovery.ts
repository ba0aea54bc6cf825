/**
 * Recovery benchmark (`npm run -s bench -w @sluice/fault-e2e`): runs the
 * fault scenario of the end-to-end test (the same harness and seeded plan)
 * and reports, per controller, how long after each SIGKILL of its active
 * replica the standby held the Lease (the takeover write) and made its
 * first write to a Delivery, Job, Deployment or Service (the notifier: or
 * a GitLab request), against the bound lease duration + 2 s; then the time
 * from the faults stopping to every Delivery final (target ≤ 60 s).
 *
 * Cluster: `SLUICE_KUBECONFIG` when set, else a node-agent cluster of its
 * own. `SLUICE_FAULT_SEED` replays a run; `RUNS=n` runs n seeds in a row
 * (the seed, then seed+1, …).
 */
import { rm } from 'node:fs/promises';
import { startCluster } from '@sluice/local-cluster';
import { KILLED_SERVICES, seedFrom } from '../src/plan.js';
import { runFaultScenario, type KillRecord, type RunResult } from '../src/scenario.js';
import { LEADER } from '../src/stack.js';

const BOUND_MS = LEADER.leaseDurationMs + 2_000;
const SETTLE_TARGET_MS = 60_000;

const shared = process.env['SLUICE_KUBECONFIG'];
const cluster = shared ? undefined : await startCluster({ node: 'agent' });
const kubeconfig = shared ?? (cluster?.kubeconfigPath as string);
const runs = Number(process.env['RUNS'] ?? '1');
const seed0 = seedFrom(process.env);
const quiet = process.env['SLUICE_BENCH_VERBOSE'] ? undefined : () => undefined;

const results: RunResult[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const seed = (seed0 + i) % 2 ** 32;
    console.info(`recovery bench: run ${i + 1}/${runs}, SLUICE_FAULT_SEED=${seed}`);
    results.push(await runFaultScenario({ kubeconfig, seed, ...(quiet && { log: quiet }) }));
  }
} finally {
  if (cluster) {
    await cluster.stop();
    await rm(cluster.dir, { recursive: true, force: true });
  }
}

const kills = results.flatMap((r) => r.kills).filter((k) => k.killedAt !== undefined);
const fmt = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const stat = (values: number[]) => `${fmt(pct(values, 50))} / ${fmt(Math.max(...values))}`;
const within = (values: number[]) => `${values.filter((v) => v <= BOUND_MS).length}/${values.length}`;

console.info('');
console.info(`Recovery after SIGKILL of the active replica (${runs} run${runs === 1 ? '' : 's'}; lease ${LEADER.leaseDurationMs / 1000} s, bound ${BOUND_MS / 1000} s)`);
console.info('');
console.info('| controller | kills | Lease taken: median / max | within bound | first write: median / max | within bound |');
console.info('|---|---|---|---|---|---|');
for (const service of KILLED_SERVICES) {
  const mine = kills.filter((k: KillRecord) => k.service === service);
  const takeover = mine.flatMap((k) => (k.takeoverMs === undefined ? [] : [k.takeoverMs]));
  const first = mine.flatMap((k) => (k.firstWriteMs === undefined ? [] : [k.firstWriteMs]));
  console.info(`| ${service} | ${mine.length} | ${stat(takeover)} | ${within(takeover)} | ${stat(first)} | ${within(first)} |`);
}
console.info('');
console.info('| run | seed | pushes | kills | GitLab 429 / 502 / retried writes | last push → all final | faults stopped → all final | target | problems |');
console.info('|---|---|---|---|---|---|---|---|---|');
results.forEach((r, i) => {
  const f = r.figures;
  const ok = f.settleMs !== undefined && f.settleMs <= SETTLE_TARGET_MS ? '✓' : '✗';
  console.info(
    `| ${i + 1} | ${r.plan.seed} | ${f.pushes} | ${r.kills.filter((k) => k.killedAt !== undefined).length} | ${f.gitlab.faults429} / ${f.gitlab.faults502} / ${f.gitlab.retries} | ${fmt(f.lastPushToFinalMs)} | ${fmt(f.settleMs)} | ≤ 60 s ${ok} | ${r.problems.length + r.verdict.problems.length} |`,
  );
});
const problems = results.flatMap((r) => [...r.problems, ...r.verdict.problems]);
if (problems.length > 0) {
  console.info('');
  console.info('Problems (the oracle of the end-to-end test):');
  for (const p of problems) console.info(`- ${p}`);
}
