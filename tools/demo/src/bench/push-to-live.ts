/**
 * Benchmark: the demo's four deliveries on the real node, Sluice installed
 * from deploy/ — push → Live for v1 with each stage's share, the
 * orchestration overhead per delivery (total minus the Jobs' run time, their
 * pods' start, the rollout wait and the bake), and the ClusterIP switch gap under a steady
 * client (requests sent after the Service switched that the old version still
 * answered). Prints figures; asserts nothing. Caches warm (built images,
 * binaries): `npm run bench -w @sluice/demo`, after `bash tools/demo.sh` once.
 */
import { runDemo } from '../scenario.js';
import { deliveryFigures, switchGaps, type DeliveryFigures } from './figures.js';

const TARGETS = { overheadMs: 1_000, switchGapMs: 2_000 };

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const share = (part: number, total: number) => `${((100 * part) / total).toFixed(0)}%`;

const result = await runDemo({ output: 'quiet' });
if (!result.ok) console.log(`the demo run itself differed from the story:\n  ${result.problems.join('\n  ')}`);

const figures = result.deliveries
  .map((d) => deliveryFigures(d, result.jobRuns ?? [], result.switches ?? []))
  .filter((f): f is DeliveryFigures => f !== undefined);

const v1 = figures.find((f) => f.version === 'v1');
if (v1) {
  console.log(`push → Live, v1: ${s(v1.totalMs)}`);
  for (const [what, value] of [
    ['test Job (clone, install, tests)', v1.testJobMs],
    ['build Job (clone, BuildKit, push)', v1.buildJobMs],
    ['Job pods starting (scheduling, sandbox, image pulls)', v1.podStartMs],
    ['rollout wait (render → new color ready → check → switch)', v1.rolloutWaitMs],
    ['bake (configured)', v1.bakeMs],
    ['orchestration overhead', v1.overheadMs],
  ] as const) {
    console.log(`  ${what.padEnd(58)} ${s(value).padStart(9)}  ${share(value, v1.totalMs).padStart(4)}`);
  }
}

console.log(`\norchestration overhead per delivery (target ≤ ${s(TARGETS.overheadMs)}):`);
for (const f of figures) {
  console.log(`  ${f.version}  total ${s(f.totalMs).padStart(9)}  jobs ${s(f.testJobMs + f.buildJobMs).padStart(8)}  pod start ${s(f.podStartMs).padStart(7)}  rollout ${s(f.rolloutWaitMs).padStart(7)}  bake ${s(f.bakeMs).padStart(8)}  → overhead ${s(f.overheadMs)}`);
}

const versionOf = (sha: string) => result.deliveries.find((d) => d.sha === sha)?.version;
const gaps = switchGaps(result.switches ?? [], result.traffic?.samples ?? [], versionOf);
const t = result.traffic;
console.log(`\nClusterIP switch gap under ${t?.rate ?? '?'} requests/s (target ≤ ${s(TARGETS.switchGapMs)}): ${t?.sent ?? 0} requests, ${t?.failed ?? 0} failed`);
for (const g of gaps) console.log(`  ${g.from} → ${g.to}: old version answered ${g.stale} request(s) sent after the switch, the last ${s(g.gapMs)} after it`);

const worstOverhead = Math.max(...figures.map((f) => f.overheadMs));
const worstGap = Math.max(0, ...gaps.map((g) => g.gapMs));
console.log(
  `\nworst overhead ${s(worstOverhead)} (${worstOverhead <= TARGETS.overheadMs ? 'within' : 'over'} target), worst switch gap ${s(worstGap)} (${worstGap <= TARGETS.switchGapMs ? 'within' : 'over'} target)`,
);
process.exit(0);
