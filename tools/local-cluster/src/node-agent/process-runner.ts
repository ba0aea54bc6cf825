/**
 * Spawns container processes. With root and util-linux (`unshare`,
 * `nsenter`, `setpriv`) each container runs in its own PID, mount and UTS
 * namespace with its volumes at their mountPaths (see mount-plan.ts);
 * otherwise ("direct" mode) the command runs as a plain child process and
 * mounts are not available. Every process is started through
 * `setpriv --pdeathsig KILL` in its own process group, so it dies with the
 * agent and a stop reaches its children too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Logger } from 'pino';
import type { ContainerLog } from './container-log.js';
import { buildMountScript, canonicalPath, STARTED_MARKER, type HostEntryType, type PlanBinaries, type PlannedMount } from './mount-plan.js';
import { exitCodeForSignal } from './restart-policy.js';

export interface RunnerEnvironment {
  readonly mode: 'namespaces' | 'direct';
  readonly bins: PlanBinaries & { readonly unshare: string; readonly nsenter: string };
  readonly isRoot: boolean;
}

/** Own PID, mount and UTS namespaces; the forked init is SIGKILLed if unshare dies. */
const UNSHARE_FLAGS = ['--fork', '--kill-child', '--pid', '--mount', '--uts', '--propagation', 'private'];

function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/bin', '/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

/** Finds the helper programs and checks whether private mount namespaces work here. */
export function detectRunnerEnvironment(logger: Logger): RunnerEnvironment {
  const names = ['mount', 'mkdir', 'touch', 'ln', 'chroot', 'setpriv', 'sh', 'unshare', 'nsenter'] as const;
  const found = Object.fromEntries(names.map((n) => [n, which(n) ?? n])) as Record<(typeof names)[number], string>;
  const isRoot = process.getuid?.() === 0;
  let mode: RunnerEnvironment['mode'] = 'direct';
  if (isRoot && names.every((n) => found[n] !== n)) {
    const probe = spawnSync(found.unshare, [...UNSHARE_FLAGS, '--', found.sh, '-c', `${found.mount} -t tmpfs probe /mnt && ${found.mount} -t proc proc /mnt`], {
      timeout: 5000,
    });
    if (probe.status === 0) mode = 'namespaces';
  }
  if (mode === 'direct') {
    logger.warn(
      { isRoot, setpriv: found.setpriv },
      'mount namespaces are unavailable (needs root and util-linux): containers run as plain processes and volumes are not mounted at their mountPaths',
    );
  }
  return { mode, bins: { ...found, sh: found.sh }, isRoot };
}

/** The home directory of `uid` in the host's /etc/passwd, or `/`. */
export function homeFor(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[2] === String(uid) && f[5]) return f[5];
    }
  } catch {
    /* no passwd */
  }
  return uid === 0 ? '/root' : '/';
}

export interface ContainerLaunch {
  /** Empty host directory for this container instance's scaffolding (root, shadow, tmp). */
  readonly instanceDir: string;
  /** Already expanded command + args. */
  readonly command: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Working directory inside the container (default `/`). */
  readonly workingDir: string;
  /** Bind mounts; targets as written in the pod spec. */
  readonly mounts: readonly PlannedMount[];
  readonly hostname: string;
  readonly user?: { readonly uid: number; readonly gid: number; readonly groups: readonly number[] };
  readonly log: ContainerLog;
}

export interface ExitInfo {
  readonly exitCode: number;
  readonly signal?: NodeJS.Signals;
  /** Set when the container never got to exec its command (exit code 128). */
  readonly startError?: string;
}

export interface RunningContainer {
  readonly pid: number;
  /** Resolves true when the command itself runs (setup done), false when the container ended before that. */
  readonly started: Promise<boolean>;
  readonly exited: Promise<ExitInfo>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs: number): Promise<ExitInfo>;
  /** Runs a command in the container's view (exec probes, preStop hooks). */
  exec(command: readonly string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
}

function hostEntry(path: string): HostEntryType | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

function topLevel(): { name: string; type: HostEntryType; link?: string }[] {
  return readdirSync('/').map((name) => {
    const st = lstatSync(`/${name}`);
    if (st.isSymbolicLink()) return { name, type: 'symlink' as const, link: readlinkSync(`/${name}`) };
    return { name, type: st.isDirectory() ? ('dir' as const) : st.isFile() ? ('file' as const) : ('other' as const) };
  });
}

function hostMounts(): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

function realpathOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function findOnPath(command: string, env: Readonly<Record<string, string>>): boolean {
  if (command.includes('/')) return existsSync(command);
  return (env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, command)));
}

function privArgs(env: RunnerEnvironment, user: ContainerLaunch['user']): string[] {
  const args = ['--pdeathsig', 'KILL'];
  if (user && env.isRoot) {
    args.push(`--regid=${user.gid}`, `--reuid=${user.uid}`);
    args.push(user.groups.length ? `--groups=${user.groups.join(',')}` : '--clear-groups');
  }
  return args;
}

function collect(child: ChildProcess, timeoutMs: number): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const add = (c: Buffer) => {
      if (output.length < 10_240) output += c.toString('utf8');
    };
    child.stdout?.on('data', add);
    child.stderr?.on('data', add);
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      output += `command timed out after ${timeoutMs} ms`;
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, output: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? exitCodeForSignal(signal), output });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

/** Starts one container instance. */
export async function launchContainer(env: RunnerEnvironment, launch: ContainerLaunch, logger: Logger): Promise<RunningContainer> {
  const [command] = launch.command;
  if (!command) throw new Error('empty command');
  let child: ChildProcess;
  if (env.mode === 'namespaces') {
    const root = join(launch.instanceDir, 'root');
    const shadow = join(launch.instanceDir, 'shadow');
    const tmp = join(launch.instanceDir, 'tmp');
    await mkdir(root, { recursive: true });
    await mkdir(shadow, { recursive: true });
    await mkdir(tmp, { recursive: true, mode: 0o1777 });
    await chmod(tmp, 0o1777);
    const canonical = (p: string) => canonicalPath(p, realpathOrUndefined);
    const mounts = launch.mounts.map((m) => ({ ...m, target: canonical(m.target) }));
    // A private /tmp, like a container's own writable layer, unless a volume provides one.
    if (!mounts.some((m) => m.target === '/tmp' || '/tmp'.startsWith(`${m.target}/`))) {
      mounts.push({ target: '/tmp', source: tmp, readOnly: false, type: 'dir' });
    }
    const script = buildMountScript({
      rootDir: root,
      shadowDir: shadow,
      topLevel: topLevel(),
      hostMounts: hostMounts(),
      mounts,
      workingDir: canonical(launch.workingDir || '/'),
      hostname: launch.hostname,
      hostEntry,
      bins: env.bins,
      user: env.isRoot ? launch.user : undefined,
      freshProc: true,
    });
    const scriptPath = join(launch.instanceDir, 'start.sh');
    await writeFile(scriptPath, script, { mode: 0o700 });
    // setpriv exec()s unshare, so the pdeathsig sits on the process we spawn; unshare's
    // --kill-child passes it on to the container's init.
    child = spawn(env.bins.setpriv, ['--pdeathsig', 'KILL', '--', env.bins.unshare, ...UNSHARE_FLAGS, '--', env.bins.sh, scriptPath, ...launch.command], {
      env: launch.env,
      cwd: launch.instanceDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
  } else {
    if (!findOnPath(command, launch.env)) {
      const info: ExitInfo = { exitCode: 128, startError: `exec: "${command}": executable file not found in $PATH` };
      return notStarted(info);
    }
    const cwd = existsSync(launch.workingDir) ? launch.workingDir : launch.instanceDir;
    await mkdir(launch.instanceDir, { recursive: true });
    child = spawn(env.bins.setpriv, [...privArgs(env, launch.user), '--', ...launch.command], {
      env: launch.env,
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
  }

  let startError = '';
  child.stdout!.on('data', (c: Buffer) => launch.log.write('stdout', c));
  child.stderr!.on('data', (c: Buffer) => launch.log.write('stderr', c));
  const setup = child.stdio[3] as NodeJS.ReadableStream | null;
  setup?.on('error', () => undefined);
  const pid = child.pid ?? 0;
  // The setup script reports the marker on fd 3 right before running the command; direct mode has no setup.
  const started = new Promise<boolean>((resolve) => {
    if (env.mode === 'direct' || !setup) return resolve(true);
    setup.on('data', (c: Buffer) => {
      startError += c.toString('utf8');
      if (startError.includes(STARTED_MARKER)) {
        startError = startError.replace(`${STARTED_MARKER}\n`, '');
        resolve(true);
      }
    });
    setup.once('close', () => resolve(false));
    child.once('exit', () => resolve(false));
    child.once('error', () => resolve(false));
  });

  const exited = new Promise<ExitInfo>((resolve) => {
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      // The container ends with its main process: take the rest of the group along.
      killGroup(pid, 'SIGKILL');
      const flushed = new Promise<void>((r) => {
        if (child.stdout!.readableEnded && child.stderr!.readableEnded) r();
        else child.once('close', () => r());
        setTimeout(r, 1000).unref();
      });
      void flushed.then(() => {
        const exitCode = code ?? exitCodeForSignal(signal);
        const info: ExitInfo = { exitCode, ...(signal ? { signal } : {}) };
        const err = startError.trim();
        resolve(exitCode === 128 && err ? { ...info, startError: err } : info);
      });
    };
    child.on('exit', finish);
    child.on('error', (err) => {
      logger.warn({ err }, 'spawn failed');
      startError ||= err.message;
      finish(128, null);
    });
  });

  const stop = async (graceMs: number): Promise<ExitInfo> => {
    killGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), Math.max(0, graceMs));
    const info = await exited;
    clearTimeout(timer);
    return info;
  };

  const exec = async (cmd: readonly string[], timeoutMs: number) => {
    if (!pid || child.exitCode !== null) return { exitCode: 126, output: 'container is not running' };
    const init = env.mode === 'namespaces' ? initPid(pid) : undefined;
    if (env.mode === 'namespaces' && !init) return { exitCode: 126, output: 'container is not running' };
    const args =
      env.mode === 'namespaces'
        ? [env.bins.nsenter, `--target=${init}`, '--mount', '--uts', '--pid', '--root', '--wd', '--', env.bins.setpriv, ...privArgs(env, launch.user), '--', ...cmd]
        : [env.bins.setpriv, ...privArgs(env, launch.user), '--', ...cmd];
    const c = spawn(args[0]!, args.slice(1), { env: launch.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: launch.instanceDir });
    return collect(c, timeoutMs);
  };

  return { pid, started, exited, stop, exec };
}

/** Host PID of the container's init: the child unshare forked into the new PID namespace. */
function initPid(unsharePid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** A container that ended before it could start. */
export function notStarted(info: ExitInfo): RunningContainer {
  return {
    pid: 0,
    started: Promise.resolve(false),
    exited: Promise.resolve(info),
    stop: async () => info,
    exec: async () => ({ exitCode: 126, output: 'container is not running' }),
  };
}

/** Removes an instance directory (its mounts only ever existed in the container's private namespace). */
export async function removeInstanceDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}
