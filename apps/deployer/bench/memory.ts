/**
 * The deployer benchmark's memory phase: RSS of the BUILT deployer
 * (`dist/main.js`, run with the flags of the image's ENTRYPOINT) in a child
 * process, at idle and after it handled DELIVERIES Deliveries.
 *
 * Real pods for every Delivery would take far too long, so the Deliveries
 * come the way pushes to one busy branch do: one Application, one line
 * (`main`), WAVES bursts of handed-off Deliveries (test and build done),
 * each burst created while the deployer may still be rolling out the
 * previous one. The deployer must list, cache and decide on every one: the
 * newest waiting one deploys for real (pods, pre-promotion check, switch,
 * bake), the older waiting ones end `Superseded`. A wave is done when all of
 * its Deliveries ended; the very last one must be Live and the Service must
 * serve its revision. The Deliveries stay, so at the end the deployer holds
 * them all in its caches.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANNOTATIONS } from '@sluice/delivery';
import type { KubeObject } from '@sluice/kube';
import { describeProcMemory, freePort, procMemory, rssMb, startServiceProcess, type ServiceProcess } from '@sluice/service/testing';
import { applicationObject, createHandedOffDelivery, deliveriesPath, sha } from '../src/testing/deployer.testkit.js';
import { openHarness } from '../src/testing/harness.testkit.js';

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The bundle the image ships (`npm run bench` builds it first). */
const ENTRY = join(APP_DIR, 'dist', 'main.js');
const DELIVERIES = Number(process.env['DELIVERIES'] ?? 500);
const WAVES = Number(process.env['WAVES'] ?? 5);
const CREATORS = 8;
const QUIET_MS = 5_000;
const WAVE_TIMEOUT_MS = 180_000;
export const TARGET_IDLE_MB = 120;
export const TARGET_LOADED_MB = 160;
const ENDED = new Set(['Live', 'Superseded', 'Failed', 'RolledBack', 'Canceled']);
/** Set to a directory to get a heap snapshot of the service at the end, after the figures (it leaves native memory behind). */
const SNAPSHOTS = process.env['BENCH_HEAP_SNAPSHOTS'];

/** What the memory phase measured. */
export interface MemoryResult {
  readonly idleMb: number;
  readonly loadedMb: number;
  readonly deliveries: number;
  readonly phases: Readonly<Record<string, number>>;
  /** Real rollouts (Deliveries that ended Live). */
  readonly live: number;
  readonly seconds: number;
  readonly nodeArgs: readonly string[];
  /** Where the RSS is, at idle and at the end. */
  readonly idleWhere: string;
  readonly loadedWhere: string;
}

/** Runs the phase in a namespace of its own; throws when a Delivery does not end or the last one is not Live. */
export async function memoryPhase(kubeconfig: string, log: (msg: string) => void): Promise<MemoryResult> {
  const h = await openHarness(kubeconfig, 'deployer-bench-memory', { start: false });
  const { client, namespace } = h;
  const image = sampleImage(kubeconfig);
  const nodeArgs = imageNodeArgs(readFileSync(join(APP_DIR, 'Dockerfile'), 'utf8'));
  let service: ServiceProcess | undefined;
  const phases = new Map<string, string>();
  const messages = new Map<string, string>();
  const watch = client.informer<KubeObject>({
    path: deliveriesPath(namespace),
    onEvent: (event) => {
      const objects = event.type === 'RESYNC' ? event.objects : event.type === 'DELETED' ? [] : [event.object];
      for (const o of objects) {
        const status = (o['status'] ?? {}) as { phase?: string; message?: string };
        phases.set(o.metadata.name ?? '', status.phase ?? '');
        messages.set(o.metadata.name ?? '', status.message ?? '');
      }
    },
  });
  try {
    await client.create(applicationObject({ namespace, name: 'mem', targetNamespace: namespace, replicas: 1, bakeSeconds: 1, scaleDownDelaySeconds: 1 }));
    service = await startServiceProcess({
      entry: ENTRY,
      nodeArgs: [...nodeArgs, ...(SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${SNAPSHOTS}`] : [])],
      env: {
        KUBECONFIG: kubeconfig,
        SLUICE_HOST: '127.0.0.1',
        SLUICE_PORT: String(await freePort()),
        SLUICE_NAMESPACE: namespace,
        SLUICE_TARGET_NAMESPACES: namespace,
        SLUICE_DEPLOYER_IDENTITY: 'deployer-bench-memory',
        SLUICE_MIN_READY_SECONDS: '1',
        SLUICE_FAILED_SCALE_DOWN_DELAY: '1s',
        // For A/B runs of runtime settings, e.g. BENCH_SERVICE_ENV='{"MALLOC_ARENA_MAX":"2"}'.
        ...(JSON.parse(process.env['BENCH_SERVICE_ENV'] ?? '{}') as Record<string, string>),
        // A heap snapshot stops the process for seconds, which can cost a Lease: no election then.
        ...(SNAPSHOTS ? { SLUICE_LEADER_ELECTION: 'false' } : {}),
      },
    });
    const child = service;
    await until(async () => {
      const status = (await (await child.get('/leaderz')).json()) as { role?: string; synced?: boolean };
      return alive(child) && (await child.get('/readyz')).status === 200 && status.role === 'leader' && status.synced === true;
    }, 'the deployer to lead with synced caches', 60_000);
    await sleep(QUIET_MS);
    const idleMb = rssMb(child.pid);
    const idleWhere = describeProcMemory(procMemory(child.pid));
    log(`deployer idle: ${idleMb} MB RSS`);

    const started = performance.now();
    const t0 = Date.now() - 3_600_000;
    const perWave = Math.ceil(DELIVERIES / WAVES);
    let last = '';
    for (let wave = 0; wave * perWave < DELIVERIES; wave++) {
      const names = Array.from({ length: Math.min(perWave, DELIVERIES - wave * perWave) }, (_, i) => wave * perWave + i);
      let next = 0;
      await Promise.all(
        Array.from({ length: CREATORS }, async () => {
          while (next < names.length) {
            const n = names[next++] as number;
            // One push per second of history, in order: the newest is the one to deploy.
            const receivedAt = new Date(t0 + n * 1_000).toISOString();
            await createHandedOffDelivery(client, { namespace, application: 'mem', name: `push-${n}`, commit: sha('good', n + 1), environments: ['production'], receivedAt, ...(image && { image }) });
          }
        }),
      );
      last = `push-${names.at(-1) as number}`;
      await until(() => alive(child) && names.every((n) => ENDED.has(phases.get(`push-${n}`) ?? '')), `wave ${wave + 1} to end`, WAVE_TIMEOUT_MS);
      log(`wave ${wave + 1}: ${names.length} Deliveries ended; ${[...phases.values()].filter((p) => p === 'Live').length} Live so far`);
    }
    const seconds = (performance.now() - started) / 1000;
    if (phases.get(last) !== 'Live') throw new Error(`the newest push ${last} ended ${phases.get(last) ?? 'unseen'} (${messages.get(last) ?? ''}), not Live`);
    const svc = await client.get<KubeObject>({ apiVersion: 'v1', kind: 'Service', namespace, name: 'mem-production' });
    const serving = svc?.metadata.annotations?.[ANNOTATIONS.revision];
    if (serving !== sha('good', DELIVERIES)) throw new Error(`the Service serves ${serving ?? 'nothing'}, not the newest push`);
    await sleep(QUIET_MS);
    const loadedMb = rssMb(child.pid);
    const loadedWhere = describeProcMemory(procMemory(child.pid));
    if (SNAPSHOTS) await heapSnapshot(child.pid);
    const counts: Record<string, number> = {};
    for (const p of phases.values()) counts[p] = (counts[p] ?? 0) + 1;
    return { idleMb, loadedMb, deliveries: phases.size, phases: counts, live: counts['Live'] ?? 0, seconds, nodeArgs, idleWhere, loadedWhere };
  } finally {
    watch.stop();
    const exit = await service?.stop().catch(() => undefined);
    if (exit && exit.code !== 0) log(`the deployer exited ${exit.code ?? exit.signal}: ${exit.stderr.slice(-2_000)}\n${exit.stdout.split('\n').filter((l) => !l.includes('"level":30')).slice(-20).join('\n')}`);
    await h.close();
  }
}

/**
 * An image a real node can pull that runs the sample app (`node -e …`): `SAMPLE_IMAGE`, else the
 * local cluster's `node` base image (its `host.json` beside the kubeconfig). None: the agent node, which ignores images.
 */
export function sampleImage(kubeconfig: string): string | undefined {
  if (process.env['SAMPLE_IMAGE']) return process.env['SAMPLE_IMAGE'];
  const host = join(dirname(kubeconfig), 'host.json');
  if (!existsSync(host)) return undefined;
  return (JSON.parse(readFileSync(host, 'utf8')) as { images?: { node?: string } }).images?.node;
}

/** The `node` flags of the image's ENTRYPOINT, so the service runs here as it is deployed. */
function imageNodeArgs(dockerfile: string): string[] {
  const argv = JSON.parse(/^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  if (argv[0] !== 'node') throw new Error(`the Dockerfile's ENTRYPOINT is not ["node", …]: ${JSON.stringify(argv)}`);
  return argv.slice(1);
}

/** True while the service runs; throws once it exited (its output is logged when it is stopped). */
function alive(service: ServiceProcess): boolean {
  if (!existsSync(`/proc/${service.pid}`)) throw new Error(`the deployer (pid ${service.pid}) exited`);
  return true;
}

async function heapSnapshot(pid: number): Promise<void> {
  process.kill(pid, 'SIGUSR2');
  await sleep(15_000);
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
