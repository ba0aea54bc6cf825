/**
 * Phase 2: the built runner's memory (RSS) at idle and after N Deliveries
 * went through it — created, their test Jobs made, run on the node (a clone
 * of the exact SHA, then `true`) and recorded as Passed — with the Jobs and
 * their pods still there (the default TTL is an hour), so the runner's caches
 * hold all of them, as after a busy hour. Also its CPU time per Delivery.
 * `SNAPSHOTS=<dir>` writes a heap snapshot of the runner at idle and at the
 * end (SIGUSR2, `--heapsnapshot-signal`).
 */
import type { Delivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { rssMb } from '@sluice/service/testing';
import { deliveriesPath, sampleDelivery } from '../src/testing/runner.testkit.js';
import type { BenchNode } from './cluster.js';
import { cleanup, environment, imageNodeArgs, runnerEnv, startRunner, type BenchRepo } from './setup.js';
import { cpuMs, load, sleep } from './stats.js';

export interface MemoryOptions {
  readonly admin: KubeClient;
  readonly kubeconfig: string;
  readonly repo: BenchRepo;
  readonly node: BenchNode;
  readonly deliveries: number;
  /** SLUICE_MAX_CONCURRENT_JOBS of the runner. */
  readonly concurrency: number;
  /** Quiet time before each reading. */
  readonly quietMs: number;
  readonly targets: { readonly idleMb: number; readonly afterMb: number };
  readonly snapshotDir?: string;
}

export async function memoryPhase(o: MemoryOptions): Promise<{ idleMb: number; afterMb: number }> {
  const { admin, repo, node, deliveries: n } = o;
  const env = await environment(admin, repo, node);
  const processEnv = runnerEnv({ kubeconfig: o.kubeconfig, env, repo, node, maxConcurrentJobs: o.concurrency });
  for (let i = 0; i < n; i++) repo.branch(`memory-${i}`);
  const snapshots = o.snapshotDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${o.snapshotDir}`] : [];
  const runner = await startRunner(processEnv, snapshots);
  const snapshot = async () => {
    if (!o.snapshotDir) return;
    process.kill(runner.pid, 'SIGUSR2');
    await sleep(15_000);
  };
  let peakMb = 0;
  let died = (_: Error) => undefined as void;
  const exited = new Promise<never>((_, reject) => (died = reject));
  exited.catch(() => undefined);
  const sampler = setInterval(() => {
    try {
      peakMb = Math.max(peakMb, rssMb(runner.pid));
    } catch {
      clearInterval(sampler);
      died(new Error('the runner exited in the middle of the phase (its output follows)'));
    }
  }, 500);
  try {
    await sleep(o.quietMs);
    const idleMb = rssMb(runner.pid);
    await snapshot();

    let passed = 0;
    const failures = new Map<string, number>();
    const allDone = new Promise<void>((resolve) => {
      const terminal = new Set<string>();
      const inf = admin.informer<KubeObject & Delivery>({
        path: deliveriesPath(env.ns),
        onEvent: (e) => {
          if (e.type === 'RESYNC' || e.type === 'DELETED') return;
          const d = e.object;
          if ((d.status?.phase === 'Passed' || d.status?.phase === 'Failed') && !terminal.has(d.metadata.name)) {
            terminal.add(d.metadata.name);
            if (d.status.phase === 'Passed') passed++;
            else {
              const why = `${d.status.reason ?? '?'}: ${(d.status.stages.find((st) => st.name === 'test')?.message ?? '').slice(0, 80)}`;
              failures.set(why, (failures.get(why) ?? 0) + 1);
            }
            if (terminal.size === n) {
              inf.stop();
              resolve();
            }
          }
        },
      });
    });
    const cpuBefore = cpuMs(runner.pid);
    const t0 = Date.now();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < n; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, n - i) }, (_, k) =>
          admin.create(sampleDelivery(env.ns, 'bench', { repositoryUrl: repo.url, sha: repo.sha, ref: `memory-${i + k}`, receivedAt: new Date(base + (i + k) * 1000) })),
        ),
      );
    }
    await Promise.race([allDone, exited]);
    const wallS = (Date.now() - t0) / 1000;
    const cpuPerDelivery = (cpuMs(runner.pid) - cpuBefore) / n;
    await sleep(o.quietMs);
    const afterMb = rssMb(runner.pid);
    await snapshot();

    const verdict = (mb: number, target: number) => (mb <= target ? `ok (≤ ${target} MB)` : `OVER ${target} MB`);
    console.log(`\n2. RSS of the built runner (node ${imageNodeArgs().join(' ')} dist/main.js, its own process; ${node.kind} node; load average ${load()}, 2 shared cores)`);
    console.table([
      { when: `idle: leading, caches synced, ${o.quietMs / 1000} s quiet`, 'RSS MB': idleMb, target: verdict(idleMb, o.targets.idleMb) },
      { when: `after ${n} Deliveries (${passed} Passed; their Jobs and pods kept), ${o.quietMs / 1000} s quiet`, 'RSS MB': afterMb, target: verdict(afterMb, o.targets.afterMb) },
      { when: 'peak while they ran (sampled every 0.5 s)', 'RSS MB': peakMb, target: '' },
    ]);
    console.log(`   RSS idle / after ${n}: ${idleMb} / ${afterMb} MB (targets ≤ ${o.targets.idleMb} / ≤ ${o.targets.afterMb} MB)`);
    if (failures.size > 0) console.log('   failed:', Object.fromEntries(failures));
    console.log(`   ${n} Deliveries in ${wallS.toFixed(1)} s at ${o.concurrency} Jobs at once; runner CPU ${cpuPerDelivery.toFixed(1)} ms per Delivery`);
    return { idleMb, afterMb };
  } finally {
    clearInterval(sampler);
    const exit = await runner.stop().catch(() => undefined);
    if (exit && exit.code !== 0) console.error(`the runner exited ${exit.code ?? exit.signal}:\n${exit.stdout.slice(-2_000)}\n${exit.stderr.slice(-2_000)}`);
    await cleanup(admin, env.ns, env.testNs);
  }
}
