/**
 * Phase 3: throughput and API requests per Delivery. N Deliveries created at
 * once, 5 Jobs at a time, every one runs to its end (a real clone of the
 * exact SHA from the bench's Git server, then `true`). The runner runs in the
 * bench's process here, so its API requests can be counted at its KubeConfig
 * (see request-counter.ts): they grow linearly in N.
 */
import type { Delivery } from '@sluice/delivery';
import { KubeClient, type KubeObject } from '@sluice/kube';
import { loadKubeConfig } from '@sluice/kube/testing';
import { createLogger } from '@sluice/service';
import { TestRunnerController } from '../src/controller/controller.js';
import { deliveriesPath, sampleDelivery } from '../src/testing/runner.testkit.js';
import type { BenchNode } from './cluster.js';
import { RequestCounter } from './request-counter.js';
import { cleanup, environment, runnerEnv, settingsOf, type BenchRepo } from './setup.js';
import { load } from './stats.js';

export interface ThroughputOptions {
  readonly admin: KubeClient;
  readonly kubeconfig: string;
  readonly repo: BenchRepo;
  readonly node: BenchNode;
  readonly sizes: readonly number[];
}

export async function throughputPhase(o: ThroughputOptions): Promise<void> {
  const { admin, repo, node } = o;
  const logger = createLogger({ service: 'test-runner', level: 'warn' });
  const rows: Record<string, string | number>[] = [];
  for (const n of o.sizes) {
    const env = await environment(admin, repo, node);
    const counter = new RequestCounter();
    const kubeConfig = counter.instrument(loadKubeConfig({ mode: 'file', path: o.kubeconfig }));
    const settings = settingsOf(runnerEnv({ kubeconfig: o.kubeconfig, env, repo, node, maxConcurrentJobs: 5 }));
    const controller = new TestRunnerController({ client: new KubeClient({ kubeConfig, fieldManager: 'sluice-test-runner' }), settings, logger });
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
    for (let i = 0; i < n; i++) repo.branch(`load-${i}`); // each push's branch, so its clone finds the commit on it
    const t0 = Date.now();
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < n; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, n - i) }, (_, k) =>
          admin.create(sampleDelivery(env.ns, 'bench', { repositoryUrl: repo.url, sha: repo.sha, ref: `load-${i + k}`, receivedAt: new Date(base + (i + k) * 1000) })),
        ),
      );
    }
    await allDone;
    const seconds = (Date.now() - t0) / 1000;
    await controller.whenIdle();
    await controller.stop();
    counter.close();
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
    await cleanup(admin, env.ns, env.testNs);
  }
  console.log(`\n3. All Deliveries finish; API requests grow linearly (per-Delivery cost constant); ${node.kind} node, load average ${load()}:`);
  console.table(rows);
}
