/**
 * Deployer benchmark. One command, from the repository root:
 *
 *   npm run bench -w @sluice/deployer
 *
 * It starts a local control plane with the node agent (or reuses the one in
 * `SLUICE_KUBECONFIG`), installs the CRDs and a sample Application (1 replica,
 * 3 s bake) in a fresh namespace, runs the deployer in-process with a
 * measuring observer, and then, against 127.0.0.1 only:
 *
 * 1. GOOD good deliveries in a row: total time from hand-off to Live, and the
 *    deployer's own time (every handling: deciding plus its API writes and the
 *    pre-promotion check), i.e. total minus time spent waiting on Kubernetes
 *    (pods starting, probes, minReadySeconds, the bake);
 * 2. ROLLBACKS deliveries that turn unhealthy after promotion (the benchmark
 *    breaks the new pod as soon as the Service selects it): the time from the
 *    deployer's unhealthy decision to the Service write returning, and to the
 *    switched-back selector arriving on an independent watch;
 * 3. memory (bench/memory.ts): the BUILT deployer (`dist/main.js`, the
 *    image's `node` flags) in a child process, in a namespace of its own:
 *    RSS at idle, and after DELIVERIES (500) handed-off Deliveries of one
 *    Application on one branch, in WAVES (5) bursts — the newest of a burst
 *    deploys for real, the older ones end Superseded, all stay cached.
 *
 * Prints a table; bounded (each wait times out, 15 min overall) and cleans up.
 * `npm run bench` builds `dist/main.js` first.
 */
import { execFileSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { resourcePath, type KubeObject } from '@sluice/kube';
import type { DeployerObserver } from '../src/controller/reconcile.js';
import { ANNOTATIONS, REVISION_LABEL } from '@sluice/delivery';
import type { PodObject } from '../src/decide/facts.js';
import { applicationObject, createHandedOffDelivery, sha, waitForObject, waitForPhase } from '../src/testing/deployer.testkit.js';
import { openHarness } from '../src/testing/harness.testkit.js';
import { memoryPhase, sampleImage, TARGET_IDLE_MB, TARGET_LOADED_MB } from './memory.js';

const GOOD = Number(process.env['GOOD'] ?? 5);
const ROLLBACKS = Number(process.env['ROLLBACKS'] ?? 20);
const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cleanups: (() => Promise<void> | void)[] = [];
const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

function startCluster(): string {
  const dir = join(tmpdir(), `deployer-bench-cluster-${randomBytes(4).toString('hex')}`);
  log(`starting a local control plane in ${dir}`);
  // Spawned (not imported) so the app's sources never depend on the tool.
  const script = `import('@sluice/local-cluster').then(async (m) => { const c = await m.startCluster({ node: 'agent', lifetime: 'detached', dir: ${JSON.stringify(dir)} }); console.log(c.kubeconfigPath); })`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    const stop = `import('@sluice/local-cluster').then((m) => m.stopCluster(${JSON.stringify(dir)}))`;
    execFileSync(process.execPath, ['--import', 'tsx', '-e', stop], { cwd: repoDir, stdio: 'inherit' });
  });
  return out.trim().split('\n').pop() as string;
}

function pct(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

function row(name: string, values: readonly number[], target?: number): string {
  const f = (n: number) => n.toFixed(1).padStart(8);
  const verdict = target === undefined ? '' : pct(values, 99) <= target ? `  ok (≤ ${target} ms)` : `  OVER ${target} ms`;
  return `${name.padEnd(48)} ${String(values.length).padStart(4)} ${f(pct(values, 50))} ${f(pct(values, 99))} ${f(Math.max(...values))}${verdict}`;
}

async function main(): Promise<void> {
  const kubeconfig = process.env['SLUICE_KUBECONFIG'] ?? startCluster();
  // A real node pulls the image (the agent node ignores it): the cluster's node image runs the sample app's `node -e`.
  const image = sampleImage(kubeconfig);
  const handled = new Map<string, number>();
  const handlings = new Map<string, number>();
  const rollbacks = new Map<string, { decidedAtMs: number; switchedAtMs: number }>();
  const observer: DeployerObserver = {
    onHandled: (e) => {
      handled.set(e.delivery, (handled.get(e.delivery) ?? 0) + e.ms);
      handlings.set(e.delivery, (handlings.get(e.delivery) ?? 0) + 1);
    },
    onRollback: (e) => void rollbacks.set(e.delivery, e),
  };
  const h = await openHarness(kubeconfig, 'deployer-bench', { observer, settings: { failedScaleDownDelayMs: 1_000 } });
  cleanups.push(() => h.close());
  const { client, namespace } = h;
  await client.create(applicationObject({ namespace, name: 'bench', targetNamespace: namespace, replicas: 1, bakeSeconds: 3, scaleDownDelaySeconds: 1 }));
  const services = resourcePath({ apiVersion: 'v1', plural: 'services', namespace });

  const totals: number[] = [];
  const overheads: number[] = [];
  const perDeployHandlings: number[] = [];
  for (let i = 1; i <= GOOD; i++) {
    const name = `good-${i}`;
    await createHandedOffDelivery(client, { namespace, application: 'bench', name, commit: sha('good', i), environments: ['production'], ...(image && { image }) });
    const done = await waitForPhase(client, namespace, name, ['Live', 'Failed', 'RolledBack'], 120_000);
    if (done.status.phase !== 'Live') throw new Error(`${name} ended ${done.status.phase}: ${done.status.message ?? ''}`);
    const stage = done.status.stages.find((s) => s.name === 'deploy');
    totals.push(Date.parse(stage?.finishedAt ?? '') - Date.parse(stage?.startedAt ?? ''));
    overheads.push(handled.get(name) ?? NaN);
    perDeployHandlings.push(handlings.get(name) ?? 0);
    log(`${name}: Live, ${totals.at(-1)} ms total, ${overheads.at(-1)?.toFixed(1)} ms in the deployer`);
  }

  const toSwitch: number[] = [];
  const toObserved: number[] = [];
  for (let i = 1; i <= ROLLBACKS; i++) {
    const name = `bad-${i}`;
    const commit = sha('breaks', i);
    await createHandedOffDelivery(client, { namespace, application: 'bench', name, commit, environments: ['production'], ...(image && { image }) });
    const promoted = await waitForObject(client, services, (s) => s.metadata.name === 'bench-production' && s.metadata.annotations?.[ANNOTATIONS.revision] === commit, 120_000);
    const badColor = (promoted['spec'] as { selector: Record<string, string> }).selector['color'];
    const pods = (await client.list<KubeObject>({ apiVersion: 'v1', kind: 'Pod', namespace }, { labelSelector: `${REVISION_LABEL}=${commit}` })).items as unknown as PodObject[];
    for (const pod of pods) if (pod.status?.podIP) await fetch(`http://${pod.status.podIP}:8080/break`);
    const back = await waitForObject(client, services, (s) => s.metadata.name === 'bench-production' && (s['spec'] as { selector: Record<string, string> }).selector['color'] !== badColor, 60_000);
    const seenAt = Date.now();
    void back;
    const done = await waitForPhase(client, namespace, name, ['Live', 'Failed', 'RolledBack'], 60_000);
    const r = rollbacks.get(name);
    if (done.status.phase !== 'RolledBack' || !r) throw new Error(`${name} ended ${done.status.phase}: ${done.status.message ?? ''}`);
    toSwitch.push(r.switchedAtMs - r.decidedAtMs);
    toObserved.push(seenAt - r.decidedAtMs);
    log(`${name}: rolled back, decision → switched ${toSwitch.at(-1)} ms, → seen on a watch ${toObserved.at(-1)} ms`);
  }

  const header = `${'measure'.padEnd(48)} ${'n'.padStart(4)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`;
  console.log(`\nDeployer benchmark (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, 2 shared cores)\n`);
  console.log(header);
  console.log('-'.repeat(header.length + 18));
  console.log(row('rollback: unhealthy decision → Service written', toSwitch, 1000));
  console.log(row('rollback: unhealthy decision → seen on a watch', toObserved, 1000));
  console.log(row('deploy: total, hand-off → Live (incl. 3 s bake)', totals));
  console.log(row('deploy: orchestration (total − waiting on k8s)', overheads, 1000));
  console.log(row('deploy: handlings per deploy (count)', perDeployHandlings));

  const mem = await memoryPhase(kubeconfig, log);
  const mb = (what: string, value: number, target: number) => `${what.padEnd(48)} ${String(value).padStart(5)} MB${value <= target ? `  ok (≤ ${target} MB)` : `  OVER ${target} MB`}`;
  console.log(`\nRSS of the built deployer (node ${mem.nodeArgs.join(' ')} dist/main.js, one child process; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log(mb('idle (ready, leading, synced, 5 s quiet)', mem.idleMb, TARGET_IDLE_MB));
  console.log(`    ${mem.idleWhere}`);
  console.log(mb(`after ${mem.deliveries} Deliveries handled and held`, mem.loadedMb, TARGET_LOADED_MB));
  console.log(`    ${mem.loadedWhere}`);
  console.log(`  (one Application, one branch, in bursts: ${Object.entries(mem.phases).map(([p, n]) => `${n} ${p}`).join(', ')}; ${mem.seconds.toFixed(0)} s)`);
  if (mem.idleMb > TARGET_IDLE_MB || mem.loadedMb > TARGET_LOADED_MB) process.exitCode = 1;
}

const timeout = setTimeout(() => {
  log('timed out after 15 min');
  process.exitCode = 1;
  void cleanup().then(() => process.exit(1));
}, 900_000);

async function cleanup(): Promise<void> {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      log(`cleanup failed: ${String(err)}`);
    }
  }
}

main()
  .catch((err: unknown) => {
    log(String((err as Error).stack ?? err));
    process.exitCode = 1;
  })
  .finally(async () => {
    clearTimeout(timeout);
    await cleanup();
    process.exit();
  });
