/**
 * Starts a real single-node cluster: control plane, kubelet, containerd with
 * runc, CNI bridge, kube-proxy, CoreDNS, kube-router's NetworkPolicy
 * firewall and an OCI registry seeded with the base images — all inside
 * network, mount and pid namespaces of its own, reached from the host over
 * one veth pair (connect.ts). When the node's init dies, the kernel ends
 * every process of the node; network and mounts go with the namespaces;
 * cgroups and the machine-wide sysctls are undone by `stopRealNode` (or by
 * the next start's sweep when a node died unattended).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { kubeconfig } from '../components.js';
import { generatePki } from '../pki.js';
import { supervisorReady } from '../ready.js';
import type { SupervisorPlan } from '../supervisor.js';
import { dnsAddon } from './addons.js';
import { cniConflist, containerdConfig, kubeletConfig, kubeProxyConfig, nodePaths, registryConfig, registryHostsToml } from './configs.js';
import { realNodeSpecs } from './components.js';
import { connectNode } from './connect.js';
import { alive, run } from './exec.js';
import { imageRefs, type ImageRefs } from './images.js';
import { nodeNetwork, type NodeNetwork } from './network.js';
import { claimSlot, recordNodePid, releaseSlot } from './slots.js';

/** Paths the node hides behind private tmpfs mounts; a cluster directory may not live under them. */
const NODE_TMPFS = ['/run', '/var/lib', '/var/log'] as const;

export interface RealNodeInputs {
  readonly dir: string;
  readonly binDir: string;
  readonly nodeBinDir: string;
  readonly imagesDir: string;
  readonly detached: boolean;
  readonly startTimeoutMs: number;
  /** `node --import tsx <supervisor.ts>` */
  readonly supervisorCommand: readonly string[];
  readonly cwd: string;
}

/** What `host.json` in the cluster directory says about a real node. */
export interface RealNodeState {
  readonly slot: number;
  /** Host pid of the node's init (tini); the node lives exactly as long as it. */
  readonly nodePid: number;
  readonly network: NodeNetwork;
  readonly registry: string;
  readonly images: ImageRefs;
  readonly kubeconfig: string;
}

export interface StartedRealNode extends RealNodeState {
  /** Milliseconds from spawning the node to CoreDNS answering. */
  readonly startMs: number;
}

export async function startRealNode(inputs: RealNodeInputs): Promise<StartedRealNode> {
  const dir = resolve(inputs.dir);
  const hidden = NODE_TMPFS.find((p) => dir === p || dir.startsWith(`${p}/`));
  if (hidden) throw new Error(`a real node's directory cannot be under ${hidden} (the node mounts its own there): ${dir}`);
  const slot = await claimSlot(dir);
  try {
    return await launch(dir, slot, inputs);
  } catch (err) {
    await stopRealNode(dir).catch(() => undefined);
    await releaseSlot(slot);
    throw err;
  }
}

async function launch(dir: string, slot: number, inputs: RealNodeInputs): Promise<StartedRealNode> {
  const net = nodeNetwork(slot);
  const paths = nodePaths(dir);
  const pki = await generatePki(join(dir, 'pki'), { ips: [net.nodeIp, net.apiserverServiceIp] });
  const [ca, adminCert, adminKey, kubeletCert, kubeletKey, proxyCert, proxyKey] = await Promise.all(
    [pki.caCert, pki.adminCert, pki.adminKey, pki.kubeletCert, pki.kubeletKey, pki.kubeProxyCert, pki.kubeProxyKey].map((p) =>
      readFile(p, 'utf8'),
    ),
  );
  const server = `https://${net.nodeIp}:6443`;
  const kubeconfigs = {
    admin: join(dir, 'admin.kubeconfig'),
    kubelet: join(dir, 'node', 'kubelet.kubeconfig'),
    kubeProxy: join(dir, 'node', 'kube-proxy.kubeconfig'),
  };
  const images = await imageRefs(inputs.imagesDir, net.registry);
  await mkdir(paths.cniConfDir, { recursive: true });
  await mkdir(join(paths.registryHosts, net.registry), { recursive: true });
  const files: [string, string][] = [
    [kubeconfigs.admin, kubeconfig(server, { ca: ca!, cert: adminCert!, key: adminKey! })],
    [kubeconfigs.kubelet, kubeconfig(server, { ca: ca!, cert: kubeletCert!, key: kubeletKey! }, 'system:node:local-node')],
    [kubeconfigs.kubeProxy, kubeconfig(server, { ca: ca!, cert: proxyCert!, key: proxyKey! }, 'system:kube-proxy')],
    [paths.containerdConfig, containerdConfig(paths, images.pause)],
    [join(paths.registryHosts, net.registry, 'hosts.toml'), registryHostsToml(net.registry)],
    [join(paths.cniConfDir, '10-sluice.conflist'), JSON.stringify(cniConflist(net, paths), null, 2)],
    [paths.kubeletConfig, JSON.stringify(kubeletConfig(net, paths, { caCert: pki.caCert, tlsCert: pki.kubeletCert, tlsKey: pki.kubeletKey }), null, 2)],
    [paths.kubeProxyConfig, JSON.stringify(kubeProxyConfig(net, kubeconfigs.kubeProxy), null, 2)],
    [paths.registryConfig, JSON.stringify(registryConfig(net, paths), null, 2)],
  ];
  for (const [path, text] of files) await writeFile(path, text, { mode: 0o600 });
  await seedRegistry(join(inputs.imagesDir, 'registry'), paths.registryStorage);

  const plan: SupervisorPlan = {
    dir,
    components: realNodeSpecs({ dir, binDir: inputs.binDir, nodeBinDir: inputs.nodeBinDir, pki, net, paths, kubeconfigs }),
    tls: { ca: ca!, cert: adminCert!, key: adminKey! },
    startTimeoutMs: inputs.startTimeoutMs,
    node: { cgroupRoot: net.cgroupRoot, tmpfs: NODE_TMPFS },
  };
  const planPath = join(dir, 'plan.json');
  await writeFile(planPath, JSON.stringify(plan, null, 2));

  await mkdir(join(dir, 'logs'), { recursive: true });
  const started = Date.now();
  const child = spawnNode(dir, planPath, inputs);
  const nodePid = await initPid(child);
  await recordNodePid(slot, nodePid);
  const state: RealNodeState = { slot, nodePid, network: net, registry: net.registry, images, kubeconfig: kubeconfigs.admin };
  await writeFile(join(dir, 'host.json'), `${JSON.stringify(state, null, 2)}\n`);
  await connectNode(net, nodePid);
  child.stdin!.end('go\n');
  await supervisorReady(child.stdout!, dir);
  child.stdout!.destroy();
  child.unref();
  (child as unknown as { channel?: { unref(): void } }).channel?.unref();

  const kubectl = (...args: string[]) => run(join(inputs.binDir, 'kubectl'), ['--kubeconfig', kubeconfigs.admin, ...args]);
  const addon = join(dir, 'node', 'dns.json');
  await writeFile(addon, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: dnsAddon(net, images.coredns) }));
  await kubectl('apply', '--server-side', '--field-manager=sluice-local-cluster', '-f', addon);
  await kubectl('wait', '--for=condition=Ready', 'node/local-node', '--timeout=60s');
  await kubectl('-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=90s');
  const startMs = Date.now() - started;
  return { ...state, startMs };
}

/**
 * The registry starts with the base images: blobs are hard links into the
 * cache where the filesystem allows (content-addressed, never rewritten);
 * the repositories' small link files are copied, since the registry
 * rewrites those in place.
 */
async function seedRegistry(from: string, to: string): Promise<void> {
  const v2 = join('docker', 'registry', 'v2');
  await mkdir(join(to, v2), { recursive: true });
  const blobs = [join(from, v2, 'blobs'), join(to, v2, 'blobs')];
  // A cluster directory on another filesystem than the cache (a tmpfs /tmp) cannot link: copy.
  await run('cp', ['-al', ...blobs]).catch(async () => {
    await rm(blobs[1]!, { recursive: true, force: true });
    await run('cp', ['-a', ...blobs]);
  });
  await run('cp', ['-a', join(from, v2, 'repositories'), join(to, v2, 'repositories')]);
}

/**
 * unshare makes the namespaces and forks tini as their pid 1; tini runs the
 * supervisor and reaps the orphans (container shims) that land on it. If
 * unshare dies, its child gets SIGTERM; an owned node's unshare also dies
 * with its parent (pdeathsig) and the IPC channel tells the supervisor.
 */
function spawnNode(dir: string, planPath: string, inputs: RealNodeInputs): ChildProcess {
  const unshare = [
    'unshare',
    '--net',
    '--pid',
    '--mount-proc',
    '--propagation',
    'private',
    '--kill-child=SIGTERM',
    '--',
    'tini',
    '--',
    ...inputs.supervisorCommand,
    planPath,
  ];
  const stderr = inputs.detached ? openSync(join(dir, 'logs', 'supervisor.log'), 'a') : 'inherit';
  const [command, ...args] = inputs.detached ? unshare : ['setpriv', '--pdeathsig', 'KILL', '--', ...unshare];
  const child = spawn(command!, args, {
    cwd: inputs.cwd,
    detached: inputs.detached,
    stdio: ['pipe', 'pipe', stderr, ...(inputs.detached ? [] : (['ipc'] as const))],
  });
  if (typeof stderr === 'number') closeSync(stderr);
  return child;
}

/** The host pid of tini: unshare's one child. */
async function initPid(child: ChildProcess): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const children = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').catch(() => '');
    const pid = Number(children.trim().split(' ')[0]);
    if (pid > 0) return pid;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the node namespace did not start');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function readRealNodeState(dir: string): Promise<RealNodeState | undefined> {
  const text = await readFile(join(dir, 'host.json'), 'utf8').catch(() => undefined);
  return text ? (JSON.parse(text) as RealNodeState) : undefined;
}

/** Stops the node in `dir` (SIGTERM to its init: the supervisor stops everything in order), then undoes its host changes. */
export async function stopRealNode(dir: string, { timeoutMs = 30_000 } = {}): Promise<void> {
  const state = await readRealNodeState(dir);
  if (!state) return;
  if (alive(state.nodePid)) process.kill(state.nodePid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(state.nodePid)) {
    // The kernel ends every process of the pid namespace with its init.
    if (Date.now() > deadline) process.kill(state.nodePid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
  }
  await releaseSlot(state.slot);
}
