/**
 * One container of a pod across its restarts: builds its environment and
 * mounts, starts it (for real or simulated), runs its probes, and records how
 * each instance ended. Restart policy and ordering live in pod-worker.ts.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Container, V1LifecycleHandler, V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { ContainerLog, logTailMessage, readRecords } from './container-log.js';
import { containerMounts, containerUser, hostnameOf, loadReferences, settleSubPaths } from './container-config.js';
import { buildEnv, expandCommand } from './env.js';
import type { KubeClient } from './kube-client.js';
import { probeTiming, runProbe, startProber, type ProbeKind, type ProbeTarget } from './probes.js';
import { homeFor, launchContainer, notStarted, removeInstanceDir, type ExitInfo, type RunnerEnvironment, type RunningContainer } from './process-runner.js';
import { exitReason } from './restart-policy.js';
import { rfc3339, type ContainerKind, type ContainerRuntime, type Terminated } from './runtime-state.js';
import { startSimulated } from './sim-process.js';
import { simulationFor, type SimBehaviour } from './simulation.js';
import type { VolumePaths } from './volumes.js';

/** What a slot needs from its pod. */
export interface SlotContext {
  pod(): V1Pod;
  readonly podDir: string;
  readonly hostIP: string;
  podIP(): string;
  volumes(): VolumePaths | undefined;
  readonly hostsFile: string;
  readonly runner: RunnerEnvironment;
  readonly client: KubeClient;
  /** PATH and KUBERNETES_SERVICE_*: what the image and kubelet would provide. */
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly nodeAllocatable: Readonly<Record<string, string>>;
  readonly logger: Logger;
  /** Aborted when the pod is being stopped. */
  readonly signal: AbortSignal;
  changed(): void;
  event(type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  /** Grace period for stopping this pod's containers now, in ms. */
  graceMs(): number;
}

const MAX_TERMINATION_MESSAGE = 4096;

/** Resolves after `ms`, or early (false) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export class ContainerSlot {
  readonly rt: ContainerRuntime;
  readonly sim: SimBehaviour | undefined;
  /** Back-off built up by crashes (see backoffStep). */
  backoffMs = 0;
  startedAtMs = 0;
  private instance = -1;
  private proc: RunningContainer | undefined;
  private log: ContainerLog | undefined;
  private stopProbes: (() => void)[] = [];
  private everStarted = false;
  /** Why the agent killed the current instance, if it did. */
  private killReason: string | undefined;

  constructor(
    private readonly ctx: SlotContext,
    readonly spec: V1Container,
    readonly kind: ContainerKind,
    initialWaitingReason: string,
  ) {
    this.rt = {
      name: spec.name,
      kind,
      image: spec.image ?? '',
      state: { type: 'waiting', reason: initialWaitingReason },
      restartCount: 0,
      ready: false,
      started: false,
    };
    this.sim = simulationFor(ctx.pod().metadata?.annotations, spec.name, kind);
  }

  private get dir(): string {
    return join(this.ctx.podDir, 'containers', this.spec.name);
  }

  private get fieldPath(): string {
    return this.kind === 'app' ? `spec.containers{${this.spec.name}}` : `spec.initContainers{${this.spec.name}}`;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** Carries restart count and last state over from a previous agent's status. */
  adopt(previous: { restartCount?: number; started: boolean; lastTerminated?: Terminated }): void {
    this.rt.restartCount = previous.restartCount ?? 0;
    this.everStarted = previous.started;
    if (previous.lastTerminated) this.rt.lastTerminated = previous.lastTerminated;
  }

  /** Marks the container as ended without running (e.g. the pod stopped before it started). */
  markNeverRan(reason: string, message: string): void {
    if (this.rt.state.type !== 'waiting') return;
    // Waiting to restart: its last run is how it ended.
    const last = this.rt.lastTerminated;
    this.rt.state = { type: 'terminated', terminated: last ?? { exitCode: 137, reason, message, finishedAt: rfc3339() } };
    this.rt.ready = false;
    this.rt.started = false;
  }

  /** Where the logs of the current (or previous) instance are. */
  logTarget(previous: boolean): { path: string; live?: ContainerLog } | { error: string } {
    const podName = this.ctx.pod().metadata?.name;
    if (previous) {
      const path = join(this.dir, `${this.instance - 1}.log`);
      if (this.instance < 1 || !existsSync(path)) {
        return { error: `previous terminated container "${this.spec.name}" in pod "${podName}" not found` };
      }
      return { path };
    }
    if (this.instance < 0) {
      const reason = this.rt.state.type === 'waiting' ? this.rt.state.reason : 'ContainerCreating';
      return { error: `container "${this.spec.name}" in pod "${podName}" is waiting to start: ${reason}` };
    }
    const path = join(this.dir, `${this.instance}.log`);
    return this.log && !this.log.closed ? { path, live: this.log } : { path };
  }

  private setWaiting(reason: string, message?: string): void {
    this.rt.state = message ? { type: 'waiting', reason, message } : { type: 'waiting', reason };
    this.rt.ready = false;
    this.rt.started = false;
    this.ctx.changed();
  }

  /**
   * Starts one instance and waits for it to end. Returns undefined when the
   * pod was stopped before the container could start.
   */
  async runOnce(): Promise<ExitInfo | undefined> {
    const { ctx } = this;
    if (this.everStarted && this.rt.state.type === 'terminated') this.rt.lastTerminated = this.rt.state.terminated;
    if (this.sim?.imagePullError) {
      await this.imagePullLoop();
      return undefined;
    }
    // Environment: a missing Secret or ConfigMap is retried, as the kubelet does.
    let env: Record<string, string> | undefined;
    const user = containerUser(ctx.pod(), this.spec);
    while (!env) {
      if (ctx.signal.aborted) return undefined;
      const data = await loadReferences(ctx.client, ctx.pod().metadata!.namespace!, this.spec).catch((err: unknown) => ({ error: String(err) }));
      const base = { ...ctx.baseEnv, HOSTNAME: hostnameOf(ctx.pod()), HOME: homeFor(user?.uid ?? 0) };
      const facts = { podIP: ctx.podIP(), hostIP: ctx.hostIP, nodeAllocatable: ctx.nodeAllocatable };
      const result = 'error' in data ? data : buildEnv(ctx.pod(), this.spec, base, facts, data);
      if ('env' in result) env = result.env;
      else {
        if (!(this.rt.state.type === 'waiting' && this.rt.state.message === result.error)) {
          ctx.event('Warning', 'Failed', `Error: ${result.error}`, this.fieldPath);
        }
        this.setWaiting('CreateContainerConfigError', result.error);
        if (!(await sleep(2000, ctx.signal))) return undefined;
      }
    }
    const nonRoot = this.spec.securityContext?.runAsNonRoot ?? ctx.pod().spec?.securityContext?.runAsNonRoot;
    if (nonRoot && user?.uid === 0) {
      const message = `container's runAsUser breaks non-root policy (pod: "${ctx.pod().metadata?.name}_${ctx.pod().metadata?.namespace}(${ctx.pod().metadata?.uid})", container: ${this.spec.name})`;
      ctx.event('Warning', 'Failed', `Error: ${message}`, this.fieldPath);
      this.setWaiting('CreateContainerConfigError', message);
      await sleep(2 ** 31 - 1, ctx.signal);
      return undefined;
    }
    const command = expandCommand(this.spec, env);
    await mkdir(this.dir, { recursive: true });
    const terminationLog = join(this.dir, 'termination-log');
    await writeFile(terminationLog, '', { mode: 0o666 });
    await chmod(terminationLog, 0o666);

    if (ctx.signal.aborted) return undefined;
    if (this.everStarted) this.rt.restartCount++;
    this.instance = this.rt.restartCount;
    const instanceDir = join(this.dir, 'run', String(this.instance));
    await removeInstanceDir(join(this.dir, 'run', String(this.instance - 1)));
    await rm(join(this.dir, `${this.instance}.log`), { force: true });
    await mkdir(instanceDir, { recursive: true });
    this.log = new ContainerLog(join(this.dir, `${this.instance}.log`));
    this.everStarted = true;
    this.killReason = undefined;
    this.rt.containerID = `containerd://${createHash('sha256').update(`${ctx.pod().metadata?.uid}/${this.spec.name}/${this.instance}`).digest('hex')}`;

    let proc: RunningContainer;
    let startError: string | undefined;
    if (this.sim) proc = startSimulated(this.sim, this.log);
    else if (!command.length || !this.spec.command?.length) {
      startError =
        `container "${this.spec.name}" has no command: the sluice node agent runs containers as local processes and ignores images` +
        `${this.spec.image ? ` (${this.spec.image})` : ''}, so "command" must be set`;
      proc = notStarted({ exitCode: 128, startError });
    } else {
      const mounts = containerMounts(ctx.pod(), this.spec, ctx.volumes() ?? new Map(), terminationLog, ctx.hostsFile);
      if ('error' in mounts) startError = mounts.error;
      else {
        await settleSubPaths(mounts, (this.spec.volumeMounts ?? []).length);
        try {
          proc = await launchContainer(
            ctx.runner,
            { instanceDir, command, env, workingDir: this.spec.workingDir || '/', mounts, hostname: hostnameOf(ctx.pod()), user, log: this.log },
            ctx.logger,
          );
        } catch (err) {
          startError = (err as Error).message;
        }
      }
      proc ??= notStarted({ exitCode: 128, startError });
    }
    this.proc = proc;
    // Stopped while it was being set up: nobody else will stop it now.
    if (ctx.signal.aborted) void this.kill(ctx.graceMs());
    const running = (await proc.started) && !startError;
    const startedAt = rfc3339();
    this.startedAtMs = Date.now();
    if (running) {
      this.rt.state = { type: 'running', startedAt };
      this.rt.started = !this.spec.startupProbe || !!this.sim;
      this.rt.ready = false;
      const image = `Container image "${this.spec.image}" already present on machine (images are not used: the command runs as a local process)`;
      ctx.event('Normal', 'Pulled', image, this.fieldPath);
      ctx.event('Normal', 'Created', `Created container: ${this.spec.name}`, this.fieldPath);
      ctx.event('Normal', 'Started', `Started container ${this.spec.name}`, this.fieldPath);
      this.startReadiness();
      ctx.changed();
    }

    const exit = await proc.exited;
    this.stopProbes.forEach((s) => s());
    this.stopProbes = [];
    this.proc = undefined;
    this.log.close();
    const failed = exit.startError ?? startError;
    let message: string | undefined;
    if (failed) message = failed;
    else if (this.sim?.terminationMessage) message = this.sim.terminationMessage;
    else {
      const text = await readFile(terminationLog).catch(() => Buffer.alloc(0));
      message = text.subarray(0, MAX_TERMINATION_MESSAGE).toString('utf8') || undefined;
      if (!message && exit.exitCode !== 0 && this.spec.terminationMessagePolicy === 'FallbackToLogsOnError') {
        message = logTailMessage(readRecords(this.log.path)) || undefined;
      }
    }
    const reason = failed ? 'StartError' : this.sim?.exit?.reason && !this.killReason ? this.sim.exit.reason : exitReason(exit.exitCode);
    const terminated: Terminated = {
      exitCode: exit.exitCode,
      reason,
      ...(message ? { message } : {}),
      ...(failed ? {} : { startedAt }),
      finishedAt: rfc3339(),
      containerID: this.rt.containerID,
    };
    this.rt.state = { type: 'terminated', terminated };
    this.rt.ready = false;
    this.rt.started = false;
    if (failed) ctx.event('Warning', 'Failed', `Error: ${failed}`, this.fieldPath);
    ctx.changed();
    return failed ? { ...exit, startError: failed } : exit;
  }

  /** Waits in ErrImagePull / ImagePullBackOff until the pod stops (simulated image pull failure). */
  private async imagePullLoop(): Promise<void> {
    const image = this.spec.image ?? '';
    let backoff = 1000;
    for (;;) {
      const message = `failed to pull and unpack image "${image}": failed to resolve reference "${image}": pull access denied, repository does not exist or may require authorization (simulated)`;
      this.setWaiting('ErrImagePull', message);
      this.ctx.event('Warning', 'Failed', `Failed to pull image "${image}": ${message}`, this.fieldPath);
      if (!(await sleep(1000, this.ctx.signal))) return;
      this.setWaiting('ImagePullBackOff', `Back-off pulling image "${image}"`);
      this.ctx.event('Normal', 'BackOff', `Back-off pulling image "${image}"`, this.fieldPath);
      if (!(await sleep(backoff, this.ctx.signal))) return;
      backoff = Math.min(backoff * 2, 10_000);
    }
  }

  private probeTarget(): ProbeTarget {
    return {
      podIP: this.ctx.podIP(),
      container: this.spec,
      exec: async (command, timeoutMs) => {
        const proc = this.proc;
        if (!proc) return { ok: false, output: 'container is not running' };
        const r = await proc.exec(command, timeoutMs);
        return r.exitCode === 0 ? { ok: true } : { ok: false, output: r.output.trim() || `command exited with ${r.exitCode}` };
      },
    };
  }

  private prober(kind: Exclude<ProbeKind, 'startup'>, onChange: (value: boolean, output?: string) => void): void {
    const probe = kind === 'readiness' ? this.spec.readinessProbe : this.spec.livenessProbe;
    if (!probe) return;
    const label = kind[0]!.toUpperCase() + kind.slice(1);
    this.stopProbes.push(
      startProber({
        probe,
        kind,
        target: this.probeTarget(),
        onChange,
        onFailure: (output) => this.ctx.event('Warning', 'Unhealthy', `${label} probe failed: ${output ?? ''}`.trim(), this.fieldPath),
      }),
    );
  }

  /** Readiness (probe or simulation) and, once started, liveness. */
  private startReadiness(): void {
    if (this.sim) {
      if (!this.sim.neverReady && this.kind !== 'init') {
        const timer = setTimeout(() => {
          if (this.proc) {
            this.rt.ready = true;
            this.ctx.changed();
          }
        }, this.sim.readyAfterMs);
        this.stopProbes.push(() => clearTimeout(timer));
      }
      return;
    }
    const afterStarted = () => {
      if (this.kind === 'init') return;
      if (!this.spec.readinessProbe) this.rt.ready = true;
      this.prober('readiness', (value) => {
        this.rt.ready = value;
        this.ctx.changed();
      });
      this.prober('liveness', (value, output) => {
        if (!value) void this.restartUnhealthy('liveness', output);
      });
      this.ctx.changed();
    };
    if (this.spec.startupProbe) this.startupLoop(afterStarted);
    else afterStarted();
  }

  /** Startup probe: until it passes, nothing else is probed; failureThreshold failures restart the container. */
  private startupLoop(onStarted: () => void): void {
    const probe = this.spec.startupProbe!;
    const timing = probeTiming(probe);
    const proc = this.proc;
    let failures = 0;
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const tick = async () => {
      const outcome = await runProbe(probe, this.probeTarget());
      if (stopped || this.proc !== proc) return;
      if (outcome.ok) {
        this.rt.started = true;
        onStarted();
        return;
      }
      this.ctx.event('Warning', 'Unhealthy', `Startup probe failed: ${outcome.output ?? ''}`.trim(), this.fieldPath);
      if (++failures >= timing.failureThreshold) return void this.restartUnhealthy('startup', outcome.output);
      timer = setTimeout(() => void tick(), timing.periodMs);
    };
    timer = setTimeout(() => void tick(), timing.initialDelayMs);
    this.stopProbes.push(() => {
      stopped = true;
      clearTimeout(timer);
    });
  }

  private async restartUnhealthy(kind: 'liveness' | 'startup', output?: string): Promise<void> {
    if (!this.proc || this.killReason) return;
    this.ctx.event('Normal', 'Killing', `Container ${this.spec.name} failed ${kind} probe, will be restarted`, this.fieldPath);
    this.ctx.logger.info({ container: this.spec.name, output }, `${kind} probe failed; killing the container`);
    const probe = kind === 'liveness' ? this.spec.livenessProbe : this.spec.startupProbe;
    const grace = probe?.terminationGracePeriodSeconds !== undefined ? Math.min(probe.terminationGracePeriodSeconds * 1000, this.ctx.graceMs()) : this.ctx.graceMs();
    await this.kill(grace, kind);
  }

  /** Stops the current instance: preStop hook, SIGTERM, SIGKILL after `graceMs`. */
  async kill(graceMs: number, reason = 'stop'): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    this.killReason ??= reason;
    const deadline = Date.now() + graceMs;
    const preStop = this.spec.lifecycle?.preStop;
    if (preStop && !this.sim) {
      await Promise.race([this.runHook(preStop, graceMs), new Promise((r) => setTimeout(r, graceMs))]).catch(() => undefined);
    }
    await proc.stop(Math.max(0, deadline - Date.now()));
  }

  private async runHook(hook: V1LifecycleHandler, timeoutMs: number): Promise<void> {
    if (hook.sleep) await new Promise((r) => setTimeout(r, Math.min(hook.sleep!.seconds * 1000, timeoutMs)));
    else if (hook.exec?.command?.length) await this.proc?.exec(hook.exec.command, timeoutMs);
    else if (hook.httpGet) await runProbe({ httpGet: hook.httpGet, timeoutSeconds: Math.ceil(timeoutMs / 1000) }, this.probeTarget());
  }
}
