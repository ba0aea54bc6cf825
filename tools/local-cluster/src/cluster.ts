import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBinaries, ensureImages, ensureNodeBinaries, ensureNodePackages } from './binaries.js';
import { adminKubeconfig, componentSpecs, type ClusterPorts } from './components.js';
import { buildImages, type BuildImagesOptions, type ImageBuild } from './node/build-images.js';
import type { ImageRefs } from './node/images.js';
import { nodePaths } from './node/configs.js';
import { installSeccompProfiles } from './node/seccomp.js';
import { alive } from './node/exec.js';
import { readRealNodeState, startRealNode, stopRealNode } from './node/launch.js';
import { NODE_PORTS, type NodeNetwork } from './node/network.js';
import { generatePki } from './pki.js';
import { supervisorReady } from './ready.js';
import { freePorts } from './ports.js';
import type { SupervisorPlan } from './supervisor.js';

const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SUPERVISOR = fileURLToPath(new URL('./supervisor.ts', import.meta.url));
const NODE_AGENT = fileURLToPath(new URL('./node-agent/main.ts', import.meta.url));
// Resolved here, not by name: child processes run in the cluster's own directory.
const TSX = ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];

/** Options for {@link startCluster}. */
export interface StartClusterOptions {
  /** Working directory for PKI, etcd data and logs. Default: a new temp directory. */
  readonly dir?: string;
  /**
   * `owned` (default): the cluster lives as long as this process — it is torn
   * down when this process exits or crashes. `detached`: it keeps running
   * until {@link stopCluster} (the `cluster up` command).
   */
  readonly lifetime?: 'owned' | 'detached';
  /** Per-component start timeout. Default 60 s. */
  readonly startTimeoutMs?: number;
  /**
   * `real` (default): a real node — kubelet, containerd and runc, CNI,
   * kube-proxy, CoreDNS, kube-router's NetworkPolicy firewall and an OCI
   * registry — in namespaces of its own (src/node/). `agent`: the control
   * plane on loopback with our node agent, which runs pod commands as host
   * processes (a faster lane for tests that need no containers).
   */
  readonly node?: 'real' | 'agent';
  /** Agent lane only: run the node agent. Default true; without it pods stay Pending. */
  readonly nodeAgent?: boolean;
  /**
   * First two octets of the pod addresses, e.g. `127.42` (pods get
   * 127.42.x.y). Default `127.1`. Clusters running side by side on one
   * machine share the loopback network: a distinct base keeps their pods'
   * `$POD_IP:<port>` from colliding.
   */
  readonly podCidrBase?: string;
}

/** A running local cluster. */
export interface LocalCluster {
  readonly node: 'real' | 'agent';
  readonly dir: string;
  /** Admin kubeconfig (client certificate in `system:masters`). */
  readonly kubeconfigPath: string;
  readonly ports: ClusterPorts;
  /** Milliseconds from spawning etcd to every component healthy (real node: and CoreDNS ready). */
  readonly startMs: number;
  /** Real node: `host:port` of its OCI registry, for the host and pods alike. */
  readonly registry?: string;
  /** Real node: the base images in that registry, by digest. */
  readonly images?: ImageRefs;
  /** Real node: its addresses. */
  readonly network?: NodeNetwork;
  /**
   * Builds images with BuildKit on the real node and pushes them to its
   * registry; resolves each build's name to `<registry>/<repository>@sha256:…`
   * (node/build-images.ts). The node-agent lane rejects: it has no registry.
   */
  buildImages(builds: readonly ImageBuild[], options?: BuildImagesOptions): Promise<Record<string, string>>;
  /**
   * Installs seccomp profiles on the real node, as node provisioning would:
   * `{ 'sluice/builder.json': profile }` is what a pod names with
   * `localhostProfile: sluice/builder.json` (node/seccomp.ts). The node-agent lane rejects.
   */
  installSeccompProfiles(profiles: Readonly<Record<string, unknown>>): Promise<void>;
  stop(): Promise<void>;
}

/** What `state.json` in a cluster directory says. */
export interface ClusterState {
  readonly status: 'ready' | 'stopping' | 'stopped';
  readonly supervisorPid?: number;
  readonly pids?: Record<string, number>;
  /** Milliseconds from the supervisor's start until each component was healthy. */
  readonly readyAfterMs?: Record<string, number>;
  readonly at: string;
}

/**
 * Starts a local cluster and resolves once every component is healthy: the
 * real node (node/launch.ts: control plane, kubelet, containerd, kube-proxy,
 * kube-router, registry, then CoreDNS ready) or the node-agent lane (etcd,
 * kube-apiserver, kube-controller-manager and the node agent on free loopback
 * ports). Installs the node's Debian packages and builds the binaries and
 * images first when needed.
 */
export async function startCluster(options: StartClusterOptions = {}): Promise<LocalCluster> {
  const real = (options.node ?? 'real') === 'real';
  if (real) await ensureNodePackages();
  const [binDir, nodeBinDir] = await Promise.all([ensureBinaries(), real ? ensureNodeBinaries() : undefined]);
  const imagesDir = real ? await ensureImages() : undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'sluice-cluster-')));
  try {
    if (nodeBinDir && imagesDir) return await launchReal(dir, { binDir, nodeBinDir, imagesDir }, options);
    return await launch(dir, binDir, options);
  } catch (err) {
    // A temporary directory of a cluster that never came up is only clutter.
    if (!options.dir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function launchReal(
  dir: string,
  built: { binDir: string; nodeBinDir: string; imagesDir: string },
  options: StartClusterOptions,
): Promise<LocalCluster> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const node = await startRealNode({
    dir,
    ...built,
    detached: options.lifetime === 'detached',
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
    supervisorCommand: [process.execPath, ...TSX, SUPERVISOR],
    cwd: WORKSPACE_ROOT,
  });
  return {
    node: 'real',
    dir,
    kubeconfigPath: node.kubeconfig,
    ports: NODE_PORTS,
    startMs: node.startMs,
    registry: node.registry,
    images: node.images,
    network: node.network,
    buildImages: (builds, buildOptions) => buildImages(node, builds, buildOptions),
    installSeccompProfiles: (profiles) => installSeccompProfiles(nodePaths(dir).kubeletRoot, profiles),
    stop: () => stopCluster(dir),
  };
}

async function launch(dir: string, binDir: string, options: StartClusterOptions): Promise<LocalCluster> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const pki = await generatePki(join(dir, 'pki'));
  const [etcdClient, etcdPeer, apiserver, controllerManager, kubelet] = await freePorts(5);
  const ports: ClusterPorts = {
    etcdClient: etcdClient!,
    etcdPeer: etcdPeer!,
    apiserver: apiserver!,
    controllerManager: controllerManager!,
    kubelet: kubelet!,
  };
  const [ca, cert, key] = await Promise.all([pki.caCert, pki.adminCert, pki.adminKey].map((p) => readFile(p, 'utf8')));
  const kubeconfigPath = join(dir, 'admin.kubeconfig');
  await writeFile(kubeconfigPath, adminKubeconfig(ports.apiserver, { ca: ca!, cert: cert!, key: key! }), { mode: 0o600 });
  const plan: SupervisorPlan = {
    dir,
    components: componentSpecs({
      dir,
      binDir,
      pki,
      ports,
      kubeconfigPath,
      nodeAgentCommand: [process.execPath, ...TSX, NODE_AGENT],
      ...(options.podCidrBase !== undefined && { podCidrBase: options.podCidrBase }),
    }).filter((c) => options.nodeAgent !== false || c.name !== 'node-agent'),
    tls: { ca: ca!, cert: cert!, key: key! },
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
  };
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(plan, null, 2));

  const detached = options.lifetime === 'detached';
  const started = Date.now();
  // Owned: an IPC channel ties the supervisor to us (it stops when we go) and
  // pdeathsig kills it if we are SIGKILLed. Detached: its own session.
  const command = detached ? process.execPath : 'setpriv';
  const args = [...TSX, SUPERVISOR, planPath];
  // A detached supervisor must not hold our stderr open: a caller reading it
  // through a pipe (`npm run cluster -- up | tail -1`) would wait forever.
  await mkdir(join(dir, 'logs'), { recursive: true });
  const stderr = detached ? openSync(join(dir, 'logs', 'supervisor.log'), 'a') : 'inherit';
  const child = spawn(command, detached ? args : ['--pdeathsig', 'KILL', '--', process.execPath, ...args], {
    cwd: WORKSPACE_ROOT,
    detached,
    stdio: ['ignore', 'pipe', stderr, ...(detached ? [] : (['ipc'] as const))],
  });
  if (typeof stderr === 'number') closeSync(stderr);
  await supervisorReady(child.stdout!, dir);
  const startMs = Date.now() - started;
  child.stdout!.destroy();
  if (detached) child.unref();
  else {
    child.unref();
    (child as unknown as { channel?: { unref(): void } }).channel?.unref();
  }
  return {
    node: 'agent',
    dir,
    kubeconfigPath,
    ports,
    startMs,
    buildImages: () => Promise.reject(new Error('buildImages needs a real node (startCluster({ node: "real" })): the node-agent lane has no registry')),
    installSeccompProfiles: () => Promise.reject(new Error('installSeccompProfiles needs a real node (startCluster({ node: "real" })): the node-agent lane runs no containers')),
    stop: () => stopCluster(dir),
  };
}

/** Reads a cluster directory's state, or undefined when there is none. */
export async function readClusterState(dir: string): Promise<ClusterState | undefined> {
  const text = await readFile(join(dir, 'state.json'), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as ClusterState) : undefined;
}

/** True when the cluster in `dir` is up (its supervisor is alive and said ready). */
export async function isClusterRunning(dir: string): Promise<boolean> {
  const state = await readClusterState(dir);
  const real = await readRealNodeState(dir);
  // A real node's supervisor is pid 1 of its own namespace: its init's host pid is what tells.
  return state?.status === 'ready' && alive(real ? real.nodePid : state.supervisorPid);
}

/**
 * Stops the cluster in `dir` (SIGTERM to its supervisor, which stops the
 * components in reverse order) and waits until every process is gone.
 */
export async function stopCluster(dir: string, { timeoutMs = 20_000 } = {}): Promise<void> {
  if (await readRealNodeState(dir)) return stopRealNode(dir);
  const state = await readClusterState(dir);
  const pids = [state?.supervisorPid, ...Object.values(state?.pids ?? {})].filter((p): p is number => !!p);
  if (alive(state?.supervisorPid)) process.kill(state!.supervisorPid!, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (pids.some(alive)) {
    if (Date.now() > deadline) {
      for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
