/**
 * Pushes a pod's computed status to `pods/status` (strategic merge patch,
 * UID precondition), at most one request at a time, coalescing changes and
 * skipping patches that would change nothing. Conditions' lastTransitionTime
 * is carried from what we last sent, so a slow watch never makes it jump.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { isApiStatus, STRATEGIC_MERGE_PATCH, type KubeClient } from './kube-client.js';
import { computePodStatus, isTerminalPhase, type WirePodStatus } from './pod-status.js';
import { rfc3339, type PodRuntime } from './runtime-state.js';

export class StatusSync {
  private last: WirePodStatus | undefined;
  private lastJson = '';
  private running: Promise<void> | undefined;
  private dirty = false;
  private disabled = false;

  constructor(
    private readonly client: KubeClient,
    private readonly logger: Logger,
    private readonly pod: () => V1Pod,
    private readonly runtime: PodRuntime,
  ) {}

  /** The status as it would be sent now. */
  compute(): WirePodStatus {
    const pod = this.pod();
    const ours = this.last?.conditions ?? [];
    const others = (pod.status?.conditions ?? []).filter((c) => !ours.some((o) => o.type === c.type));
    const prev: V1Pod = { ...pod, status: { ...pod.status, conditions: [...ours, ...others] as never } };
    return computePodStatus(prev, this.runtime, rfc3339());
  }

  /** The last status the apiserver accepted from us. */
  get sent(): WirePodStatus | undefined {
    return this.last;
  }

  /** Schedules a patch if the status changed; resolves when it (and any queued one) went out. */
  sync(): Promise<void> {
    if (this.disabled) return Promise.resolve();
    this.dirty = true;
    this.running ??= this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops sending (pod gone, agent shutting down). */
  disable(): void {
    this.disabled = true;
  }

  private async loop(): Promise<void> {
    while (this.dirty && !this.disabled) {
      this.dirty = false;
      const status = this.compute();
      const json = JSON.stringify(status);
      if (json === this.lastJson) continue;
      const pod = this.pod();
      // A terminal phase is final; the apiserver would refuse anything else.
      if (isTerminalPhase(pod.status?.phase) && status.phase !== pod.status?.phase) {
        this.logger.debug({ phase: status.phase, current: pod.status?.phase }, 'pod already terminal; not patching');
        this.lastJson = json;
        continue;
      }
      try {
        await this.client.request('PATCH', `/api/v1/namespaces/${pod.metadata!.namespace}/pods/${pod.metadata!.name}/status`, {
          body: { metadata: { uid: pod.metadata!.uid }, status },
          contentType: STRATEGIC_MERGE_PATCH,
        });
        this.last = status;
        this.lastJson = json;
      } catch (err) {
        if (isApiStatus(err, 404, 409)) {
          this.logger.debug({ err }, 'pod gone; status not patched');
          this.disabled = true;
          return;
        }
        if (isApiStatus(err, 400, 422)) {
          this.logger.error({ err, status }, 'apiserver refused the pod status');
          this.lastJson = json;
          continue;
        }
        this.logger.warn({ err }, 'status patch failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
        this.dirty = true;
      }
    }
  }
}
