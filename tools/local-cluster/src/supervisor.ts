/**
 * The supervisor owns the processes of one local cluster. It starts them in
 * order, each wrapped in `setpriv --pdeathsig KILL` so that none can outlive
 * it, reports `{"status":"ready"}` (or `failed`) as one JSON line on stdout,
 * and tears everything down on SIGTERM/SIGINT or, when it was started by a
 * test run, as soon as that parent disconnects. Run: `node --import tsx
 * supervisor.ts <plan.json>`.
 *
 * For a real node it runs inside the node's own network, mount and pid
 * namespaces (launch.ts): it waits for `go` on stdin (the host has wired the
 * network), hides the host's /run, /var/lib and /var/log behind private
 * tmpfs mounts (what the kubelet, containerd and CNI write there by fixed
 * path stays in the node), creates the node's cgroup root, and on the way
 * out kills whatever is left in the pid namespace (container shims and
 * containers) and removes the cgroups.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentSpec } from './components.js';
import { createCgroupRoot, removeCgroupRoot } from './node/cgroups.js';
import { run } from './node/exec.js';
import { waitHealthy, type HealthTls } from './health.js';
import { readLogTail } from './logs.js';

/** What the launcher hands the supervisor. */
export interface SupervisorPlan {
  readonly dir: string;
  readonly components: readonly ComponentSpec[];
  readonly tls: { readonly ca: string; readonly cert: string; readonly key: string };
  readonly startTimeoutMs: number;
  /** Set for a real node (see the top of this file). */
  readonly node?: { readonly cgroupRoot: string; readonly tmpfs: readonly string[] };
}

interface Running {
  readonly spec: ComponentSpec;
  readonly child: ChildProcess;
  exit?: string;
}

const STOP_GRACE_MS = 5_000;

async function main(planPath: string): Promise<void> {
  const plan = JSON.parse(await readFile(planPath, 'utf8')) as SupervisorPlan;
  const logDir = join(plan.dir, 'logs');
  await mkdir(logDir, { recursive: true });
  const running: Running[] = [];
  let stopping: Promise<void> | undefined;

  const stop = (why: string) => {
    stopping ??= (async () => {
      await writeState(plan.dir, { status: 'stopping', why });
      for (const r of [...running].reverse()) await stopProcess(r);
      if (plan.node) await clearNode(plan.node.cgroupRoot);
      await writeState(plan.dir, { status: 'stopped', why });
      process.exit(0);
    })();
    return stopping;
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  // Started by a test run over IPC: its end (even a crash) ends the cluster.
  if (process.send) process.on('disconnect', () => void stop('parent disconnected'));

  const timings: Record<string, number> = {};
  const t0 = Date.now();
  try {
    if (plan.node) await prepareNode(plan.node);
    for (const spec of plan.components) {
      const log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
      const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', spec.command, ...spec.args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: plan.dir,
        env: { ...process.env, ...spec.env },
      });
      child.stdout?.pipe(log);
      child.stderr?.pipe(log);
      const r: Running = { spec, child };
      running.push(r);
      child.on('exit', (code, signal) => {
        r.exit = `${spec.name} exited (${signal ?? code})`;
        if (!stopping && ready) void stop(r.exit);
      });
      const tls: HealthTls = { ...plan.tls, insecure: spec.insecureHealth === true };
      await waitHealthy(spec.healthUrl, tls, { timeoutMs: plan.startTimeoutMs, failed: () => r.exit }).catch(
        async (err: Error) => {
          const tail = await readLogTail(join(logDir, `${spec.name}.log`), 20);
          throw new Error(`${spec.name} did not become healthy: ${err.message}\n${tail}`);
        },
      );
      timings[spec.name] = Date.now() - t0;
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    report({ status: 'failed', error: message });
    await stop(`start failed: ${message.split('\n')[0]}`);
    return;
  }
  ready = true;
  const pids = Object.fromEntries(running.map((r) => [r.spec.name, r.child.pid]));
  await writeState(plan.dir, { status: 'ready', supervisorPid: process.pid, pids, readyAfterMs: timings });
  report({ status: 'ready' });
}

let ready = false;

async function prepareNode(node: NonNullable<SupervisorPlan['node']>): Promise<void> {
  const go = await new Promise<string>((resolve) => {
    let text = '';
    process.stdin.on('data', (chunk: Buffer) => (text += chunk.toString()));
    process.stdin.on('end', () => resolve(text.trim()));
  });
  if (go !== 'go') throw new Error('the host did not wire the node network');
  for (const path of node.tmpfs) await run('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'sluice-node', path]);
  await createCgroupRoot(node.cgroupRoot);
}

/** Kills every process left in the node's pid namespace (all but its init and us), then removes the cgroups. */
async function clearNode(cgroupRoot: string): Promise<void> {
  try {
    process.kill(-1, 'SIGKILL');
  } catch {
    // ESRCH: nothing left.
  }
  await removeCgroupRoot(cgroupRoot).catch((err: Error) => process.stderr.write(`${err.message}\n`));
}

function report(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function writeState(dir: string, state: object): Promise<void> {
  await writeFile(join(dir, 'state.json'), `${JSON.stringify({ ...state, at: new Date().toISOString() })}\n`);
}

function stopProcess(r: Running): Promise<void> {
  if (r.exit || r.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => r.child.kill('SIGKILL'), STOP_GRACE_MS);
    r.child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    // setpriv exec()s the component, so the signal reaches it directly.
    r.child.kill('SIGTERM');
  });
}

const planPath = process.argv[2];
if (!planPath) {
  process.stderr.write('usage: supervisor.ts <plan.json>\n');
  process.exit(2);
}
void main(planPath);
