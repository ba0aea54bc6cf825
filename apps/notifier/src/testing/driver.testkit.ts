/**
 * Moves a Delivery's stages through the status subresource the way the
 * test-runner and deployer do (`updateStatus` with conflict retry), using the
 * delivery model's own stage helpers. No vitest here, so the benchmark can use it.
 */
import {
  API_GROUP_VERSION,
  advancePhase,
  closeOpenStages,
  finishStage,
  initialStatus,
  startStage,
  type Delivery,
  type DeliveryStatus,
  type EnvironmentName,
  type FailureReason,
  type Phase,
  type StageKey,
} from '@sluice/delivery';
import type { KubeClient } from '@sluice/kube';

/** Drives one Delivery's status. */
export class StatusDriver {
  constructor(
    private readonly kube: KubeClient,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  /** Writes the first status (every planned stage pending), as the runner does. */
  init(environments: readonly EnvironmentName[]): Promise<void> {
    return this.update((status) => (status && status.stages.length > 0 ? undefined : { ...initialStatus({ environments }), posted: status?.posted ?? {} }));
  }

  /** Marks a stage running and moves the phase. */
  start(key: StageKey, phase?: Phase): Promise<void> {
    return this.update((status) => {
      const started = startStage(need(status), key, { now: new Date() });
      if (!started.ok) throw new Error(started.error.message);
      return phase ? moved(started.status, phase) : started.status;
    });
  }

  /** Marks a stage succeeded. */
  succeed(key: StageKey, phase?: Phase): Promise<void> {
    return this.update((status) => {
      const done = finishStage(need(status), key, { state: 'succeeded' }, new Date());
      if (!done.ok) throw new Error(done.error.message);
      return phase ? moved(done.status, phase) : done.status;
    });
  }

  /** Fails a stage, skips the rest and ends the delivery in `phase` (Failed or RolledBack). */
  fail(key: StageKey, reason: FailureReason, message: string, phase: Phase = 'Failed'): Promise<void> {
    return this.update((status) => {
      const done = finishStage(need(status), key, { state: 'failed', reason, message }, new Date());
      if (!done.ok) throw new Error(done.error.message);
      const closed = closeOpenStages(done.status, { state: 'skipped', now: new Date() });
      const ended = advancePhase(closed, phase, { reason, message });
      if (!ended.ok) throw new Error(ended.error.message);
      return ended.status;
    });
  }

  /** Moves the phase only. */
  phase(phase: Phase): Promise<void> {
    return this.update((status) => moved(need(status), phase));
  }

  private async update(mutate: (status: DeliveryStatus | undefined) => DeliveryStatus | undefined): Promise<void> {
    await this.kube.updateStatus<Delivery>(
      { apiVersion: API_GROUP_VERSION, kind: 'Delivery', namespace: this.namespace, name: this.name },
      (current) => {
        const next = mutate(current.status === undefined ? undefined : withDefaults(current.status));
        // Keep what the notifier recorded meanwhile: only stages and phase are ours.
        return next === undefined ? undefined : { ...next, posted: current.status?.posted ?? {} };
      },
      { maxAttempts: 20 },
    );
  }
}

function withDefaults(status: Partial<DeliveryStatus>): DeliveryStatus {
  return { phase: 'Pending', stages: [], posted: {}, ...status } as DeliveryStatus;
}

function need(status: DeliveryStatus | undefined): DeliveryStatus {
  if (!status) throw new Error('call init() first');
  return status;
}

function moved(status: DeliveryStatus, phase: Phase): DeliveryStatus {
  const result = advancePhase(status, phase);
  if (result.ok) return result.status;
  if (result.error.code === 'unchanged') return status;
  throw new Error(result.error.message);
}
