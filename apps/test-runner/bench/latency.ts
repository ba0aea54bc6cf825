/**
 * Phase 1: Delivery created → its test Job created, seen from outside: the
 * client's POST of the Delivery to the Job's ADDED event on a watch, with
 * free slots, against the built runner in its own process. Two baselines,
 * measured in the same run, interleaved sample by sample with the runner's
 * (so the same load falls on all three), give the runner's own share:
 *
 * - apiserver: the bench POSTs the very Job the runner would make (suspended,
 *   so no pod) → ADDED on a watch. One write and its watch event.
 * - bare controller: the bench POSTs a Delivery in a namespace no runner
 *   watches, its own watch sees it and POSTs that Job → ADDED. What any
 *   controller must pay: the Delivery's watch event, then the Job's create.
 *
 * The runner's Jobs run (a clone of the exact SHA, then `true`), so the node
 * starts pods while the samples are taken, as it would.
 */
import type { Delivery } from '@sluice/delivery';
import { parseApplication, parseDelivery } from '@sluice/delivery';
import type { KubeClient, KubeObject } from '@sluice/kube';
import { buildTestJob } from '../src/jobs/test-job.js';
import { createNamespace, deliveriesPath, jobsPath, sampleDelivery } from '../src/testing/runner.testkit.js';
import type { BenchNode } from './cluster.js';
import { benchApplication, cleanup, environment, runnerEnv, settingsOf, startRunner, type BenchRepo } from './setup.js';
import { load, percentile, sleep, summary } from './stats.js';

export interface LatencyOptions {
  readonly admin: KubeClient;
  readonly kubeconfig: string;
  readonly repo: BenchRepo;
  readonly node: BenchNode;
  readonly samples: number;
  /** Samples of each kind taken first and not counted (connections, discovery, JIT); the runner's first is printed apart. */
  readonly warmup: number;
  /** Pause between two measurements. */
  readonly gapMs: number;
  readonly targets: { readonly p50: number; readonly p90: number };
}

type Kind = 'runner' | 'bare controller' | 'apiserver';
const KINDS: readonly Kind[] = ['runner', 'bare controller', 'apiserver'];

export async function latencyPhase(o: LatencyOptions): Promise<{ runner: number[] }> {
  const { admin, repo, node } = o;
  const env = await environment(admin, repo, node);
  const [floorNs, floorJobsNs] = await Promise.all([createNamespace(admin, 'bench-floor'), createNamespace(admin, 'bench-floor-jobs')]);
  const total = o.samples + o.warmup;
  const processEnv = runnerEnv({ kubeconfig: o.kubeconfig, env, repo, node, maxConcurrentJobs: Math.min(1000, total + 1) });
  const settings = { ...settingsOf(processEnv), testNamespace: floorJobsNs };
  const application = parseApplication(benchApplication(env.ns, repo, node));
  if (!application.ok) throw new Error(`the bench Application does not parse: ${application.error.problems.join('; ')}`);
  // The Job the runner makes for `d`, suspended (no pod), in the baselines' namespace.
  const jobFor = (d: KubeObject, name: string): KubeObject => {
    const parsed = parseDelivery(d);
    if (!parsed.ok) throw new Error(`a bench Delivery does not parse: ${parsed.error.problems.join('; ')}`);
    const job = buildTestJob(parsed.value as Delivery, application.value, settings) as KubeObject & { spec: { suspend?: boolean } };
    return { ...job, metadata: { ...job.metadata, name, namespace: floorJobsNs }, spec: { ...job.spec, suspend: true } } as KubeObject;
  };

  for (let i = 0; i < total; i++) repo.branch(`latency-${i}`);
  const runner = await startRunner(processEnv);
  const seen = new Map<string, () => void>();
  const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
  const onAdded = (e: { type: string; object?: KubeObject }) => {
    if (e.type === 'ADDED') seen.get(keyOf(e.object?.metadata.namespace ?? '', e.object?.metadata.name ?? ''))?.();
  };
  const jobs = admin.informer<KubeObject>({ path: jobsPath(env.testNs), onEvent: onAdded });
  const floorJobs = admin.informer<KubeObject>({ path: jobsPath(floorJobsNs), onEvent: onAdded });
  // The bare controller: a Delivery appears → its Job is created. Nothing else.
  const floor = admin.informer<KubeObject>({
    path: deliveriesPath(floorNs),
    onEvent: (e) => {
      if (e.type === 'ADDED') void admin.create(jobFor(e.object, `${e.object.metadata.name}-test`));
    },
  });
  await Promise.all([jobs.waitForSync(), floorJobs.waitForSync(), floor.waitForSync()]);
  const appeared = (namespace: string, name: string) => new Promise<void>((resolve) => seen.set(keyOf(namespace, name), resolve));

  const measure: Record<Kind, (i: number) => Promise<number>> = {
    runner: async (i) => {
      const d = sampleDelivery(env.ns, 'bench', { repositoryUrl: repo.url, sha: repo.sha, ref: `latency-${i}` });
      const done = appeared(env.testNs, `${d.metadata.name}-test`);
      const t0 = performance.now();
      await admin.create(d);
      await done;
      return performance.now() - t0;
    },
    'bare controller': async (i) => {
      const d = sampleDelivery(floorNs, 'bench', { repositoryUrl: repo.url, sha: repo.sha, ref: `latency-${i}` });
      const done = appeared(floorJobsNs, `${d.metadata.name}-test`);
      const t0 = performance.now();
      await admin.create(d);
      await done;
      return performance.now() - t0;
    },
    apiserver: async (i) => {
      const job = jobFor(sampleDelivery(floorNs, 'bench', { repositoryUrl: repo.url, sha: repo.sha, ref: `latency-${i}` }), `direct-${i}`);
      const done = appeared(floorJobsNs, `direct-${i}`);
      const t0 = performance.now();
      await admin.create(job);
      await done;
      return performance.now() - t0;
    },
  };

  const results: Record<Kind, number[]> = { runner: [], 'bare controller': [], apiserver: [] };
  let cold = NaN;
  const loadBefore = load();
  try {
    for (let i = 0; i < total; i++) {
      // Each round in another order, so no kind always follows the same one.
      for (let k = 0; k < KINDS.length; k++) {
        const kind = KINDS[(i + k) % KINDS.length] as Kind;
        const ms = await measure[kind](i);
        if (i >= o.warmup) results[kind].push(ms);
        else if (i === 0 && kind === 'runner') cold = ms;
        await sleep(o.gapMs);
      }
    }
  } finally {
    jobs.stop();
    floorJobs.stop();
    floor.stop();
    await runner.stop();
    await cleanup(admin, env.ns, env.testNs, floorNs, floorJobsNs);
  }

  const r = results.runner;
  const ok = percentile(r, 50) <= o.targets.p50 && percentile(r, 90) <= o.targets.p90;
  console.log(`\n1. Delivery created → test Job created: client POST → the Job's ADDED on a watch (built runner, own process; ${node.kind} node)`);
  console.log(`   ${o.samples} samples of each, interleaved, ${o.gapMs} ms apart, after ${o.warmup} warm-up rounds; load average ${loadBefore} before, ${load()} after (2 shared cores)`);
  console.table(
    KINDS.map((kind) => ({
      what: kind === 'runner' ? 'runner: Delivery POST → its test Job ADDED' : kind === 'bare controller' ? 'bare controller: Delivery POST → watch → Job POST → ADDED' : 'apiserver: the same Job POST → ADDED',
      ...summary(results[kind]),
      target: kind === 'runner' ? `p50 ≤ ${o.targets.p50}, p90 ≤ ${o.targets.p90}` : '',
    })),
  );
  const share = (p: number) => (percentile(r, p) - percentile(results['bare controller'], p)).toFixed(1);
  console.log(`   runner's own share (runner − bare controller): p50 ${share(50)} ms, p90 ${share(90)} ms; first Delivery after start (not counted): ${cold.toFixed(1)} ms`);
  console.log(`   target p50 ≤ ${o.targets.p50} ms, p90 ≤ ${o.targets.p90} ms: ${ok ? 'met' : 'NOT met'}`);
  return { runner: r };
}
