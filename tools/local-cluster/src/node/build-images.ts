/**
 * Builds container images on a real node with BuildKit and pushes them to the
 * node's own registry: the way Sluice's services (and anything else a test
 * wants to run as a pod) get images here, with no Docker and nothing from the
 * internet.
 *
 * One buildkitd per call (BuildKit v0.35 from build-builder.sh, as root, OCI
 * worker) runs inside the node's mount, network and pid namespaces
 * (`nsenter -t <node init> -m -n -p`): its state lives on the node's private
 * tmpfs (`/var/lib/sluice-buildkit/<id>`), its socket and config in the node's
 * private `/run/sluice-buildkit/<id>`, it reaches the registry at
 * `<nodeIp>:5000` over plain HTTP, every mount it makes stays in the node's
 * mount namespace, and it dies with the node. buildctl runs on the host (so
 * build contexts are the caller's paths) and reaches the socket through
 * `/proc/<node init>/root`. The builds run concurrently; afterwards buildkitd
 * is stopped and its state removed, so nothing is left on the host or the
 * node. Dockerfiles are built with BuildKit's built-in frontend: a
 * `# syntax=` line would make it pull a frontend image from the internet,
 * and a `RUN` step would need a container runtime sandbox this builder is not
 * set up for (Sluice's Dockerfiles have neither).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ensureBuilder } from '../binaries.js';
import { alive } from './exec.js';
import type { NodeNetwork } from './network.js';
import { readOwner } from './slots.js';

/** One image to build. */
export interface ImageBuild {
  /** Key of this build's result. */
  readonly name: string;
  /** The build context: a directory on the host. */
  readonly context: string;
  /** The directory holding `Dockerfile`, or the Dockerfile itself (any name). */
  readonly dockerfile: string;
  /**
   * Build arguments (`ARG`). `SOURCE_DATE_EPOCH` defaults to `0`: with it,
   * the image's timestamps are fixed (created times, and the files' times in
   * the new layers), so the same inputs give the same digest.
   */
  readonly args?: Readonly<Record<string, string>>;
  /** `repository:tag` in the node's registry, e.g. `sluice/deployer:dev` (the registry's `host:port/` may be included). */
  readonly image: string;
}

/**
 * The node to build on. A `LocalCluster` of a real node, its `RealNodeState`
 * (host.json) and the real-node vitest context (`inject('realNode')`) all fit.
 */
export interface BuildNode {
  /** `host:port` of the node's registry. */
  readonly registry: string;
  readonly network: Pick<NodeNetwork, 'slot'>;
  /** Host pid of the node's init; read from the node's slot when absent. */
  readonly nodePid?: number;
}

export interface BuildImagesOptions {
  /** Directory holding buildkitd and buildctl. Default: build-builder.sh's output (built first when needed). */
  readonly builderDir?: string;
  /** Snapshotter of the OCI worker. Default `overlayfs` (on the node's tmpfs); `native` copies instead of mounting. */
  readonly snapshotter?: 'overlayfs' | 'native';
  /** Per-call limit; buildkitd is stopped when it passes. Default 10 min. */
  readonly timeoutMs?: number;
}

/** A build's failure, with the tails of buildctl's output and of buildkitd's log. */
export class ImageBuildError extends Error {
  constructor(
    message: string,
    readonly builderLog: string,
  ) {
    super(message);
    this.name = 'ImageBuildError';
  }
}

/** Paths the node hides behind its own tmpfs (launch.ts): what lives there on the host is not what the node sees. */
const NODE_TMPFS = ['/run', '/var/lib', '/var/log'];
const LOG_LINES = 40;

/**
 * Builds every image concurrently on the node and pushes it to the node's
 * registry; resolves each build's `name` to the pushed image by digest,
 * `<registry>/<repository>@sha256:…`. Rejects (after stopping the builder)
 * when any build fails, naming each failed build with its output's tail and
 * the builder's log tail.
 */
export async function buildImages(
  node: BuildNode,
  builds: readonly ImageBuild[],
  options: BuildImagesOptions = {},
): Promise<Record<string, string>> {
  const names = builds.map((b) => b.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`buildImages: two builds are named "${duplicate}"`);
  if (builds.length === 0) return {};
  const nodePid = node.nodePid ?? (await readOwner(node.network.slot))?.nodePid;
  if (!nodePid || !alive(nodePid)) throw new Error(`buildImages: the node in slot ${node.network.slot} is not running`);
  const builderDir = resolve(options.builderDir ?? (await ensureBuilder()));
  const hidden = NODE_TMPFS.find((p) => builderDir === p || builderDir.startsWith(`${p}/`));
  if (hidden) throw new Error(`buildImages: the builder's binaries cannot be under ${hidden}, which the node hides: ${builderDir}`);
  const prepared = await Promise.all(builds.map((b) => prepare(b, node.registry)));

  const builder = await startBuilder(nodePid, node.registry, builderDir, options.snapshotter ?? 'overlayfs');
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    builder.kill();
  }, timeoutMs);
  const why = (message: string) => (timedOut ? `timed out after ${timeoutMs / 1000} s (buildkitd killed)\n${message}` : message);
  try {
    await builder.ready();
    const first = await Promise.allSettled(prepared.map((b) => builder.build(b)));
    // Once more, one at a time, for a build that failed: the node's registry can refuse one of two parallel
    // uploads of the same layer ("provided digest did not match uploaded content"); builds are content-addressed.
    const results: PromiseSettledResult<string>[] = [];
    for (const [i, r] of first.entries()) results.push(r.status === 'rejected' && !timedOut ? (await Promise.allSettled([builder.build(prepared[i]!)]))[0]! : r);
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${builds[i]!.name}: ${(r.reason as Error).message}`] : []));
    if (failed.length > 0) {
      const log = builder.logTail();
      throw new ImageBuildError(why(`building ${failed.length} of ${builds.length} images failed\n${failed.join('\n')}\n--- buildkitd log (tail) ---\n${log}`), log);
    }
    return Object.fromEntries(results.map((r, i) => [builds[i]!.name, (r as PromiseFulfilledResult<string>).value]));
  } catch (err) {
    if (err instanceof ImageBuildError) throw err;
    const log = builder.logTail();
    throw new ImageBuildError(why(`${(err as Error).message}\n--- buildkitd log (tail) ---\n${log}`), log);
  } finally {
    clearTimeout(timer);
    await builder.stop();
  }
}

interface PreparedBuild {
  readonly name: string;
  readonly args: string[];
  /** `<registry>/<repository>` */
  readonly repository: string;
}

async function prepare(build: ImageBuild, registry: string): Promise<PreparedBuild> {
  const image = build.image.startsWith(`${registry}/`) ? build.image.slice(registry.length + 1) : build.image;
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[\w][\w.-]{0,127}$/.test(image)) {
    throw new Error(`buildImages: ${build.name}: image must be repository:tag on the node's registry, got "${build.image}"`);
  }
  const context = resolve(build.context);
  if (!(await stat(context).catch(() => undefined))?.isDirectory()) throw new Error(`buildImages: ${build.name}: context ${context} is not a directory`);
  const dockerfile = resolve(build.dockerfile);
  const info = await stat(dockerfile).catch(() => undefined);
  if (!info) throw new Error(`buildImages: ${build.name}: no Dockerfile at ${dockerfile}`);
  const [dockerfileDir, filename] = info.isDirectory() ? [dockerfile, 'Dockerfile'] : [dirname(dockerfile), basename(dockerfile)];
  const buildArgs = { SOURCE_DATE_EPOCH: '0', ...build.args };
  const full = `${registry}/${image}`;
  return {
    name: build.name,
    repository: full.slice(0, full.lastIndexOf(':')),
    args: [
      'build',
      '--progress=plain',
      '--frontend=dockerfile.v0',
      `--local=context=${context}`,
      `--local=dockerfile=${dockerfileDir}`,
      `--opt=filename=${filename}`,
      ...Object.entries(buildArgs).map(([k, v]) => `--opt=build-arg:${k}=${v}`),
      `--output=type=image,name=${full},push=true,rewrite-timestamp=true`,
    ],
  };
}

interface Builder {
  /** Resolves once buildkitd answers; rejects with why not. */
  ready(): Promise<void>;
  /** Runs one build; resolves the pushed image by digest. */
  build(build: PreparedBuild): Promise<string>;
  logTail(): string;
  kill(): void;
  /** Stops buildkitd and removes its state, config and socket. */
  stop(): Promise<void>;
}

async function startBuilder(nodePid: number, registry: string, builderDir: string, snapshotter: string): Promise<Builder> {
  await sweepStaleBuilders(nodePid);
  const id = randomBytes(6).toString('hex');
  const inNode = builderPaths(id);
  const fromHost = (path: string) => `/proc/${nodePid}/root${path}`;
  const socket = `${inNode.run}/buildkitd.sock`;
  const addr = `unix://${fromHost(socket)}`;
  await mkdir(fromHost(inNode.run), { recursive: true, mode: 0o700 });
  // Whose builder this is: a later call sweeps it if this process died without stopping it.
  await writeFile(fromHost(`${inNode.run}/owner.json`), JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
  // BuildKit's temporary mounts go to TMPDIR: the node's tmpfs, not the host's /tmp.
  await mkdir(fromHost(`${inNode.root}/tmp`), { recursive: true, mode: 0o700 });
  await writeFile(
    fromHost(`${inNode.run}/buildkitd.toml`),
    `# written by tools/local-cluster/src/node/build-images.ts\n[registry.${JSON.stringify(registry)}]\n  http = true\n`,
  );
  const command = [
    'setpriv', '--pdeathsig', 'KILL', '--',
    'nsenter', '-t', String(nodePid), '-m', '-n', '-p', '--',
    'setpriv', '--pdeathsig', 'KILL', '--',
    join(builderDir, 'buildkitd'),
    `--config=${inNode.run}/buildkitd.toml`,
    `--root=${inNode.root}`,
    `--addr=unix://${socket}`,
    `--otel-socket-path=${inNode.run}/otel-grpc.sock`,
    '--cdi-disabled',
    '--containerd-worker=false',
    '--oci-worker=true',
    `--oci-worker-snapshotter=${snapshotter}`,
    '--oci-worker-net=host',
    '--oci-worker-gc=false',
  ];
  const child = spawn(command[0]!, command.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TMPDIR: `${inNode.root}/tmp` },
  });
  const log = tail(LOG_LINES * 4);
  child.stderr!.on('data', (chunk: Buffer) => log.push(chunk));
  let exitCode: number | null | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<void>((r) => {
    child.on('close', (code) => r(void (exitCode = code)));
    child.on('error', (err) => r(void (spawnError = err)));
  });
  const buildctl = join(builderDir, 'buildctl');

  const builder: Builder = {
    async ready() {
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (spawnError) throw new Error(`starting buildkitd: ${spawnError.message}`);
        if (exitCode !== undefined) throw new Error(`buildkitd exited (${exitCode}) before it answered`);
        const probe = await runCapture(buildctl, [`--addr=${addr}`, 'debug', 'workers'], 5_000);
        if (probe.code === 0 && probe.output.trim().split('\n').length > 1) return;
        if (Date.now() > deadline) throw new Error(`buildkitd did not answer within 30 s: ${probe.output.trim()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async build(build) {
      const metadata = fromHost(`${inNode.run}/${build.name.replace(/[^\w.-]/g, '_')}.metadata.json`);
      const result = await runCapture(buildctl, [`--addr=${addr}`, ...build.args, `--metadata-file=${metadata}`]);
      if (result.code !== 0) throw new Error(`buildctl exited ${result.code}\n${lastLines(result.output, LOG_LINES)}`);
      const digest = (JSON.parse(await readFile(metadata, 'utf8')) as Record<string, unknown>)['containerimage.digest'];
      if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest)) {
        throw new Error(`buildctl's metadata has no containerimage.digest\n${lastLines(result.output, LOG_LINES)}`);
      }
      return `${build.repository}@${digest}`;
    },
    logTail: () => lastLines(log.text(), LOG_LINES),
    kill: () => signal(child, 'SIGKILL'),
    async stop() {
      signal(child, 'SIGTERM');
      const killed = setTimeout(() => signal(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
      await removeState(nodePid, id);
    },
  };
  return builder;
}

/**
 * SIGTERM goes to buildkitd itself: nsenter (with `-p` it forks) does not
 * forward signals. Its one child is buildkitd (setpriv execs it); if that is
 * gone, the signal goes to nsenter, whose death takes buildkitd along (pdeathsig).
 */
function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  let target = child.pid;
  try {
    // Synchronous on purpose: signals are sent from timers and finally blocks.
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (children[0]) target = Number(children[0]);
  } catch {
    // nsenter already gone
  }
  try {
    process.kill(target, sig);
  } catch {
    // already gone
  }
}

/** A builder's directories as the node sees them: state on the node's /var/lib tmpfs, config and socket on its /run. */
function builderPaths(id: string) {
  return { run: `${BUILDERS.run}/${id}`, root: `${BUILDERS.root}/${id}` };
}
const BUILDERS = { run: '/run/sluice-buildkit', root: '/var/lib/sluice-buildkit' };
/** A builder directory without an owner yet is being created, unless it is older than this. */
const OWNERLESS_GRACE_MS = 5 * 60_000;

/**
 * Removes buildkitd's state and run directories from the node's tmpfs, first
 * unmounting what it left mounted under them in the node's mount namespace
 * (only a builder that was killed does; removing through a mount would reach
 * into what it shows).
 */
async function removeState(nodePid: number, id: string): Promise<void> {
  const inNode = builderPaths(id);
  const fromHost = (path: string) => `/proc/${nodePid}/root${path}`;
  const mounts = (await readFile(`/proc/${nodePid}/mountinfo`, 'utf8').catch(() => ''))
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => !!point && (point.startsWith(`${inNode.root}/`) || point.startsWith(`${inNode.run}/`)));
  if (mounts.length > 0) {
    // In the node's pid namespace too: umount reads /proc/self, which is the node's procfs there.
    // Deepest first; lazily, so a busy mount cannot keep the rest.
    const points = [...new Set(mounts)].sort((a, b) => b.length - a.length);
    const result = await runCapture('nsenter', ['-t', String(nodePid), '-m', '-p', '--', 'umount', '-l', ...points]);
    if (result.code !== 0) throw new Error(`unmounting what buildkitd left in the node failed: ${result.output.trim()}`);
  }
  if (!alive(nodePid)) return; // the node's tmpfs went with it
  await rm(fromHost(inNode.root), { recursive: true, force: true });
  await rm(fromHost(inNode.run), { recursive: true, force: true });
  for (const dir of [BUILDERS.root, BUILDERS.run]) await rmdir(fromHost(dir)).catch(() => undefined);
}

/** Removes the builders whose owner died without stopping them (buildkitd died with it: pdeathsig). */
async function sweepStaleBuilders(nodePid: number): Promise<void> {
  const fromHost = (path: string) => `/proc/${nodePid}/root${path}`;
  const ids = new Set([
    ...(await readdir(fromHost(BUILDERS.run)).catch(() => [] as string[])),
    ...(await readdir(fromHost(BUILDERS.root)).catch(() => [] as string[])),
  ]);
  for (const id of ids) {
    const paths = builderPaths(id);
    const owner = await readFile(fromHost(`${paths.run}/owner.json`), 'utf8').then(
      (text) => JSON.parse(text) as { pid: number },
      () => undefined,
    );
    const stale = owner
      ? !alive(owner.pid)
      : await Promise.all([paths.run, paths.root].map((p) => stat(fromHost(p)).then((s) => s.mtimeMs, () => 0))).then(
          (times) => Date.now() - Math.max(...times) > OWNERLESS_GRACE_MS,
        );
    // Best effort: a leftover only takes tmpfs space until the node stops.
    if (stale) await removeState(nodePid, id).catch(() => undefined);
  }
}

interface Captured {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a command; resolves its exit code and the tail of its stdout and stderr together. */
function runCapture(command: string, args: readonly string[], timeoutMs?: number): Promise<Captured> {
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(timeoutMs && { timeout: timeoutMs }) });
    const out = tail(256 * 1024);
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', (err) => resolveRun({ code: -1, output: `${command}: ${err.message}` }));
    child.on('close', (code) => resolveRun({ code, output: out.text() }));
  });
}

/** Keeps the last `max` bytes written to it. */
function tail(max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    push(chunk: Buffer) {
      chunks.push(chunk);
      size += chunk.length;
      while (size - chunks[0]!.length >= max) size -= chunks.shift()!.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}
