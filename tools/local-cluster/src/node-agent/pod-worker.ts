/**
 * Runs one pod on this node, like the kubelet's pod worker: sets up the
 * "sandbox" (pod directory, address, volumes), runs init containers in order
 * and app containers side by side, restarts them per `restartPolicy` with
 * crash-loop back-off, enforces `activeDeadlineSeconds`, stops everything on
 * deletion and finally deletes the pod object with grace period 0.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { hostnameOf } from './container-config.js';
import { ContainerSlot, sleep, type SlotContext } from './container-slot.js';
import type { EventRecorder } from './events.js';
import type { IpAllocator } from './ip-allocator.js';
import { isApiStatus, type KubeClient } from './kube-client.js';
import { isTerminalPhase } from './pod-status.js';
import type { RunnerEnvironment } from './process-runner.js';
import { backoffStep, shouldRestart, type BackoffConfig } from './restart-policy.js';
import { rfc3339, type PodRuntime, type Terminated } from './runtime-state.js';
import { StatusSync } from './status-sync.js';
import { materializeVolumes, VolumeError, type VolumePaths } from './volumes.js';

export interface WorkerDeps {
  readonly client: KubeClient;
  readonly logger: Logger;
  readonly runner: RunnerEnvironment;
  readonly ips: IpAllocator;
  readonly hostIP: string;
  readonly workDir: string;
  readonly nodeAllocatable: Readonly<Record<string, string>>;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly backoff: BackoffConfig;
  /** Upper bound for any termination grace period, in seconds. */
  readonly maxGraceSeconds: number;
  readonly recordEvent: EventRecorder;
  /** Called when the pod stopped holding node resources. */
  readonly onTerminal: () => void;
}

type StopCause = 'delete' | 'deadline' | 'gone' | 'shutdown';

export class PodWorker {
  readonly uid: string;
  readonly runtime: PodRuntime;
  private pod: V1Pod;
  private readonly slots: ContainerSlot[];
  private readonly sync: StatusSync;
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private volumes: VolumePaths | undefined;
  private stopCause: StopCause | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private done: Promise<void> = Promise.resolve();
  private deleting = false;
  /** The app containers are done: sidecars are stopped and not restarted. */
  private appsDone = false;
  private readonly sidecarsStop = new AbortController();
  /** When the pod started on this node, in ms (startTime itself has second precision). */
  private startedMs = Date.now();
  readonly podDir: string;

  constructor(
    private readonly deps: WorkerDeps,
    pod: V1Pod,
  ) {
    this.pod = pod;
    this.uid = pod.metadata!.uid!;
    this.podDir = join(deps.workDir, 'pods', this.uid);
    this.logger = deps.logger.child({ pod: `${pod.metadata!.namespace}/${pod.metadata!.name}` });
    this.runtime = { hostIP: deps.hostIP, sandboxReady: false, containers: [] };
    const ctx = this.slotContext();
    const inits = pod.spec?.initContainers ?? [];
    this.slots = [
      ...inits.map((c) => new ContainerSlot(ctx, c, c.restartPolicy === 'Always' ? 'sidecar' : 'init', 'PodInitializing')),
      ...pod.spec!.containers.map((c) => new ContainerSlot(ctx, c, 'app', inits.length ? 'PodInitializing' : 'ContainerCreating')),
    ];
    this.runtime.containers.push(...this.slots.map((s) => s.rt));
    this.sync = new StatusSync(deps.client, this.logger, () => this.pod, this.runtime);
  }

  get namespace(): string {
    return this.pod.metadata!.namespace!;
  }

  get name(): string {
    return this.pod.metadata!.name!;
  }

  /** Still holding node resources (not finished). */
  get active(): boolean {
    return !this.runtime.finished;
  }

  private slotContext(): SlotContext {
    return {
      pod: () => this.pod,
      podDir: this.podDir,
      hostIP: this.deps.hostIP,
      podIP: () => this.runtime.podIP ?? '',
      volumes: () => this.volumes,
      hostsFile: join(this.podDir, 'etc-hosts'),
      runner: this.deps.runner,
      client: this.deps.client,
      baseEnv: this.deps.baseEnv,
      nodeAllocatable: this.deps.nodeAllocatable,
      logger: this.logger,
      signal: this.abort.signal,
      changed: () => void this.sync.sync(),
      event: (type, reason, message, fieldPath) => this.event(type, reason, message, fieldPath),
      graceMs: () => this.graceMs(),
    };
  }

  private event(type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    this.deps.recordEvent({ name: this.name, namespace: this.namespace, uid: this.uid }, type, reason, message, { fieldPath });
  }

  private graceMs(): number {
    const meta = this.pod.metadata;
    const requested = meta?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.min(requested, this.deps.maxGraceSeconds) * 1000;
  }

  /** Starts the pod. */
  start(): void {
    this.done = this.run().catch((err: unknown) => this.logger.error({ err }, 'pod worker failed'));
  }

  /** A newer version of the pod object arrived. */
  update(pod: V1Pod): void {
    const before = this.pod;
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp && !before.metadata?.deletionTimestamp) this.logger.info('pod is being deleted');
    if (pod.metadata?.deletionTimestamp) {
      if (this.runtime.finished) void this.deleteFromApi();
      else this.stop('delete');
      return;
    }
    if (pod.spec?.activeDeadlineSeconds !== before.spec?.activeDeadlineSeconds) this.armDeadline();
  }

  /** The pod object is gone: stop at once, clean up, free the address. */
  async remove(): Promise<void> {
    this.sync.disable();
    this.stop('gone');
    await this.done;
    this.deps.ips.release(this.uid);
    await rm(this.podDir, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Agent shutdown: stop processes, leave the API alone. */
  async shutdown(graceMs: number): Promise<void> {
    this.sync.disable();
    this.stopCause ??= 'shutdown';
    this.abort.abort();
    clearTimeout(this.deadlineTimer);
    await Promise.all(this.slots.map((s) => s.kill(graceMs)));
    await this.done;
  }

  /** Log file of a container instance, for the log server. */
  logTarget(container: string, previous: boolean): ReturnType<ContainerSlot['logTarget']> | undefined {
    return this.slots.find((s) => s.spec.name === container)?.logTarget(previous);
  }

  private stop(cause: StopCause): void {
    if (this.stopCause) return;
    this.stopCause = cause;
    clearTimeout(this.deadlineTimer);
    this.abort.abort();
    const grace = cause === 'gone' ? Math.min(this.graceMs(), 2000) : this.graceMs();
    for (const s of this.slots) {
      if (s.running && cause !== 'gone') this.event('Normal', 'Killing', `Stopping container ${s.spec.name}`);
      void s.kill(grace);
    }
  }

  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    const seconds = this.pod.spec?.activeDeadlineSeconds;
    if (seconds === undefined || !this.runtime.startTime || this.runtime.finished) return;
    const due = this.startedMs + seconds * 1000 - Date.now();
    this.deadlineTimer = setTimeout(() => {
      const message = 'Pod was active on the node longer than the specified deadline';
      this.logger.info({ activeDeadlineSeconds: seconds }, 'deadline exceeded; stopping the pod');
      this.event('Normal', 'DeadlineExceeded', message);
      this.runtime.failure = { reason: 'DeadlineExceeded', message };
      void this.sync.sync();
      this.stop('deadline');
    }, Math.max(0, due));
  }

  /** Continues from the status a previous agent left (restart of the agent). */
  private adopt(): void {
    const status = this.pod.status;
    if (!status?.startTime) return;
    this.startedMs = new Date(status.startTime).getTime();
    this.runtime.startTime = rfc3339(this.startedMs);
    const previous = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
    const never = (this.pod.spec?.restartPolicy ?? 'Always') === 'Never';
    for (const slot of this.slots) {
      const p = previous.find((c) => c.name === slot.spec.name);
      if (!p) continue;
      const t = (p.state?.terminated ?? p.lastState?.terminated) as unknown as Terminated | undefined;
      const started = !!(p.state?.running || p.state?.terminated || p.lastState?.terminated);
      slot.adopt({ restartCount: p.restartCount, started, lastTerminated: t });
      if (p.state?.terminated) slot.rt.state = { type: 'terminated', terminated: p.state.terminated as unknown as Terminated };
      else if (p.state?.running && never) {
        slot.rt.state = {
          type: 'terminated',
          terminated: { exitCode: 137, reason: 'Error', message: 'the node agent restarted and lost this process', finishedAt: rfc3339() },
        };
      }
    }
  }

  private async prepare(): Promise<boolean> {
    const pod = this.pod;
    // An address once reported never changes (the apiserver refuses a second IP of one family).
    const previousIP = pod.status?.podIP;
    if (previousIP && !this.deps.ips.reserve(previousIP, this.uid)) this.logger.warn({ podIP: previousIP }, 'pod keeps an address this agent did not hand out');
    this.runtime.podIP = pod.spec?.hostNetwork ? this.deps.hostIP : previousIP || this.deps.ips.allocate(this.uid);
    this.runtime.startTime ??= rfc3339(this.startedMs);
    this.armDeadline();
    await mkdir(this.podDir, { recursive: true });
    const hostname = hostnameOf(pod);
    const aliases = (pod.spec?.hostAliases ?? []).map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
    await writeFile(
      join(this.podDir, 'etc-hosts'),
      ['# Kubernetes-managed hosts file (sluice node agent).', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', `${this.runtime.podIP}\t${hostname}`, ...aliases, ''].join('\n'),
      { mode: 0o644 },
    );
    this.runtime.sandboxReady = true;
    void this.sync.sync();
    let reported = '';
    while (!this.stopCause) {
      try {
        this.volumes = await materializeVolumes({
          client: this.deps.client,
          pod: this.pod,
          podDir: this.podDir,
          workDir: this.deps.workDir,
          facts: { podIP: this.runtime.podIP, hostIP: this.deps.hostIP, nodeAllocatable: this.deps.nodeAllocatable },
        });
        return true;
      } catch (err) {
        const message = err instanceof VolumeError ? err.message : `volume setup failed: ${String(err)}`;
        if (message !== reported) {
          this.logger.warn({ message }, 'volumes not ready; retrying');
          this.event('Warning', 'FailedMount', message);
          reported = message;
        }
        if (!(await sleep(2000, this.abort.signal))) return false;
      }
    }
    return false;
  }

  /** Runs a container until it is done for good (or the pod stops). Returns its last exit code. */
  private async supervise(slot: ContainerSlot): Promise<number | undefined> {
    const policy = this.pod.spec?.restartPolicy;
    const done = () => !!this.stopCause || (slot.kind === 'sidecar' && this.appsDone);
    const signal = slot.kind === 'sidecar' ? AbortSignal.any([this.abort.signal, this.sidecarsStop.signal]) : this.abort.signal;
    for (;;) {
      if (done()) return undefined;
      const exit = await slot.runOnce();
      if (!exit || done()) return exit?.exitCode;
      if (!shouldRestart(policy, slot.kind, exit.exitCode)) return exit.exitCode;
      const { delayMs, nextMs } = backoffStep(slot.backoffMs, Date.now() - slot.startedAtMs, this.deps.backoff);
      slot.backoffMs = nextMs;
      if (delayMs > 0) {
        const t = slot.rt.state.type === 'terminated' ? slot.rt.state.terminated : undefined;
        if (t) slot.rt.lastTerminated = t;
        const message = `back-off ${Math.round(delayMs / 1000)}s restarting failed container=${slot.spec.name} pod=${this.name}_${this.namespace}(${this.uid})`;
        slot.rt.state = { type: 'waiting', reason: 'CrashLoopBackOff', message };
        this.event('Warning', 'BackOff', 'Back-off restarting failed container');
        void this.sync.sync();
        if (!(await sleep(delayMs, signal))) return exit.exitCode;
      }
    }
  }

  private async run(): Promise<void> {
    if (isTerminalPhase(this.pod.status?.phase)) return;
    this.adopt();
    this.logger.info('starting pod');
    if (await this.prepare()) {
      let initOk = true;
      const sidecars: Promise<unknown>[] = [];
      for (const slot of this.slots.filter((s) => s.kind !== 'app')) {
        if (this.stopCause) break;
        if (slot.rt.state.type === 'terminated' && slot.rt.state.terminated.exitCode === 0 && slot.kind === 'init') continue;
        if (slot.kind === 'sidecar') {
          sidecars.push(this.supervise(slot));
          while (!this.stopCause && !(slot.rt.state.type === 'running' && slot.rt.started)) await sleep(50, this.abort.signal);
          continue;
        }
        const code = await this.supervise(slot);
        if (code !== 0) {
          initOk = false;
          break;
        }
      }
      if (initOk && !this.stopCause) {
        for (const s of this.slots.filter((s) => s.kind === 'app' && s.rt.state.type === 'waiting')) {
          s.rt.state = { type: 'waiting', reason: 'ContainerCreating' };
        }
        const policy = this.pod.spec?.restartPolicy;
        const pending = this.slots.filter(
          (s) => s.kind === 'app' && !(s.rt.state.type === 'terminated' && !shouldRestart(policy, 'app', s.rt.state.terminated.exitCode)),
        );
        await Promise.all(pending.map((s) => this.supervise(s)));
      }
      // App containers are done (or the pod is stopping): sidecars go too.
      this.appsDone = true;
      this.sidecarsStop.abort();
      const grace = this.graceMs();
      await Promise.all(this.slots.filter((s) => s.kind === 'sidecar').map((s) => s.kill(grace)));
      await Promise.all(sidecars);
    }
    await this.finish();
  }

  private async finish(): Promise<void> {
    if (this.stopCause === 'shutdown' || this.stopCause === 'gone') return;
    const cause = this.stopCause;
    for (const slot of this.slots) {
      if (slot.running) await slot.kill(0);
      if (cause || slot.kind === 'sidecar') slot.markNeverRan('ContainerStatusUnknown', 'The container could not be located when the pod was terminated');
    }
    this.runtime.sandboxReady = false;
    this.runtime.finished = true;
    await this.sync.sync();
    this.logger.info({ phase: this.sync.sent?.phase }, 'pod finished');
    this.deps.onTerminal();
    if (this.pod.metadata?.deletionTimestamp) await this.deleteFromApi();
  }

  /** The kubelet's last word on a deleted pod: remove the object now that nothing runs. */
  private async deleteFromApi(): Promise<void> {
    if (this.deleting) return;
    this.deleting = true;
    try {
      await this.deps.client.request('DELETE', `/api/v1/namespaces/${this.namespace}/pods/${this.name}`, {
        body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: this.uid } },
      });
    } catch (err) {
      if (!isApiStatus(err, 404, 409)) {
        this.logger.warn({ err }, 'deleting the pod failed; will retry');
        this.deleting = false;
        setTimeout(() => void this.deleteFromApi(), 2000).unref();
      }
    }
  }
}
