/**
 * Real-node benchmark. Prints:
 *  - the cold build time of every part (recorded by build.sh, build-node.sh
 *    and images.sh in their cache directories when they built);
 *  - warm `up` time (start to CoreDNS answering), with when each component
 *    became healthy — target ≤ 30 s;
 *  - pod start latency, create → Running and → Ready, for 1 pod and for 20
 *    at once — target: a single pod Ready ≤ 3 s;
 *  - the RSS of each component of the running node.
 * Baseline in the same run: starting the same `node` command as a plain
 * host process, so a slow, noisy machine shows as such.
 *
 *   npm run bench:node -w @sluice/local-cluster          (RUNS=3 warm starts)
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { ensureBinaries, ensureImages, ensureNodeBinaries, readClusterState, readRealNodeState, startCluster, type LocalCluster } from '../src/index.js';
import { adminKubeConfig, createTestNamespace, waitFor } from '../src/testing/index.js';

const runs = Number(process.env.RUNS ?? 3);

async function buildTimes(): Promise<void> {
  const dirs = { 'control plane + kubelet/kube-proxy/kube-scheduler (build.sh)': await ensureBinaries(), 'kube-router, CoreDNS, pause (build-node.sh)': await ensureNodeBinaries(), 'base images (images.sh)': await ensureImages() };
  console.log('cold build times (recorded when each was built):');
  for (const [what, dir] of Object.entries(dirs)) {
    const record = await readFile(join(dir, 'build.json'), 'utf8').catch(() => undefined);
    const built = record ? (JSON.parse(record) as { seconds: number; at?: string }) : undefined;
    console.log(`  ${what}: ${built ? `${built.seconds} s${built.at ? ` (built ${built.at})` : ''}` : 'not recorded'}`);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function warmUps(): Promise<LocalCluster> {
  const totals: number[] = [];
  let last: LocalCluster | undefined;
  for (let i = 0; i < runs; i++) {
    const started = Date.now();
    const cluster = await startCluster({ node: 'real' });
    const total = Date.now() - started;
    totals.push(total);
    const state = await readClusterState(cluster.dir);
    console.log(`up ${i + 1}: ready in ${total} ms (healthy after: ${Object.entries(state?.readyAfterMs ?? {}).map(([n, ms]) => `${n} ${ms}`).join(', ')}; CoreDNS ready ${cluster.startMs} ms)`);
    if (i < runs - 1) {
      await cluster.stop();
      await rm(cluster.dir, { recursive: true, force: true });
    } else last = cluster;
  }
  console.log(`warm up: median ${median(totals)} ms, min ${Math.min(...totals)}, max ${Math.max(...totals)} over ${runs} (target ≤ 30000 ms)`);
  return last!;
}

function pod(name: string, image: string): V1Pod {
  return {
    metadata: { name, labels: { bench: 'start' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'main',
          image,
          command: ['node', '-e', "require('node:http').createServer((q, s) => s.end('ok')).listen(8080)"],
          readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

const conditionTime = (p: V1Pod, type: string) =>
  new Date(p.status?.conditions?.find((c) => c.type === type && c.status === 'True')?.lastTransitionTime ?? 0).getTime();

async function podStarts(cluster: LocalCluster, count: number, image: string, label: string): Promise<void> {
  const kc = adminKubeConfig(cluster.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  const ns = await createTestNamespace(kc, `bench-${count}`);
  const created = new Map<string, number>();
  const running = new Map<string, number>();
  const ready = new Map<string, number>();
  const watching = waitFor<V1Pod>(kc, `/api/v1/namespaces/${ns}/pods`, (p) => {
    const name = p.metadata!.name!;
    if (p.status?.phase === 'Running' && !running.has(name)) running.set(name, Date.now());
    if (conditionTime(p, 'Ready') && !ready.has(name)) ready.set(name, Date.now());
    return ready.size === count;
  }, 120_000);
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `p${i}`;
      created.set(name, Date.now());
      await core.createNamespacedPod({ namespace: ns, body: pod(name, image) });
    }),
  );
  await watching;
  const toRunning = [...running].map(([n, t]) => t - created.get(n)!);
  const toReady = [...ready].map(([n, t]) => t - created.get(n)!);
  const allReady = Math.max(...[...ready.values()]) - Math.min(...[...created.values()]);
  console.log(
    `${label}: create → Running p50 ${median(toRunning)} ms, max ${Math.max(...toRunning)} ms; → Ready p50 ${median(toReady)} ms, max ${Math.max(...toReady)} ms; all Ready after ${allReady} ms`,
  );
  await core.deleteNamespace({ name: ns });
}

/** RSS of every process in the node's pid namespace, by command name. */
async function rss(cluster: LocalCluster): Promise<void> {
  const state = await readRealNodeState(cluster.dir);
  const nodeNs = await readlink(`/proc/${state!.nodePid}/ns/pid`);
  const byName = new Map<string, { kb: number; n: number }>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const ns = await readlink(`/proc/${pid}/ns/pid`).catch(() => undefined);
    if (ns !== nodeNs) continue;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?';
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    const cmd = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const key = name === 'node' && cmd.some((a) => a.endsWith('supervisor.ts')) ? 'supervisor (node)' : name;
    const entry = byName.get(key) ?? { kb: 0, n: 0 };
    byName.set(key, { kb: entry.kb + kb, n: entry.n + 1 });
  }
  console.log('RSS by component (processes in the node):');
  const rows = [...byName].sort((a, b) => b[1].kb - a[1].kb);
  for (const [name, { kb, n }] of rows) console.log(`  ${name.padEnd(28)} ${(kb / 1024).toFixed(0).padStart(6)} MB${n > 1 ? ` (${n} processes)` : ''}`);
  console.log(`  ${'total'.padEnd(28)} ${(rows.reduce((s, [, v]) => s + v.kb, 0) / 1024).toFixed(0).padStart(6)} MB`);
}

await buildTimes();
const cluster = await warmUps();
try {
  const state = await readRealNodeState(cluster.dir);
  const t = Date.now();
  execFileSync(process.execPath, ['-e', '']);
  console.log(`baseline: a plain \`node -e ''\` process on the host ${Date.now() - t} ms`);
  await podStarts(cluster, 1, state!.images.node, '1 pod, first on this node (pulls the node image)');
  await podStarts(cluster, 1, state!.images.node, '1 pod (target: Ready ≤ 3000 ms)');
  await podStarts(cluster, 20, state!.images.node, '20 pods at once');
  await rss(cluster);
} finally {
  await cluster.stop();
  await rm(cluster.dir, { recursive: true, force: true });
}
process.exit(0);
