import { findStage, isFinalStageState, isTerminal, type DeliveryStatus, type EnvironmentName } from '@sluice/delivery';
import {
  deliveryContext,
  instruments,
  recordDeliveryEnd,
  recordLeadTime,
  recordRollback,
  recordSpan,
  recordStageEnd,
  type Instruments,
  type Telemetry,
} from '@sluice/telemetry';
import type { EnvironmentFacts, ParsedDelivery } from '../decide/facts.js';
import { deploySpan, timingKey, type Timed } from './spans.js';

/** Switches and rollbacks remembered (a few per rollout; the oldest are forgotten first). */
const MAX_REMEMBERED = 4096;

/** A Map that forgets its oldest entries beyond `max`. */
class BoundedMap<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly max: number) {}
  has(key: string): boolean {
    return this.entries.has(key);
  }
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: V): void {
    this.entries.set(key, value);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(oldest);
    }
  }
}

/**
 * What the deployer reports, each where it records the transition
 * (decide-then-act: the spans are decided in `spans.ts`):
 *
 * - the switch to the new color: `sluice.delivery.lead_time` (not for a
 *   manual rollback's redeploy, which counts as a rollback instead);
 * - the switch back: `sluice.rollbacks`; a manual switch back likewise;
 * - the status write that ends a deploy stage: the `deploy <environment>`
 *   span tree and `sluice.stage.duration`; the one that ends the Delivery:
 *   `sluice.delivery.duration`.
 *
 * At-most-once: each is reported after the write that records it
 * succeeded; a crash before the export loses it. A status write that ends a
 * stage succeeds once (it is conditional on the stage being open). A switch
 * or rollback can be repeated when the next handling still sees the Service
 * as it was (informer lag; the patch is idempotent), so those are reported
 * once per Delivery and environment, remembered here (bounded). The times
 * this process measured feed the spans; after a restart the spans fall back
 * to the times on the Service.
 */
export class DeployerTelemetry {
  private readonly metrics: Instruments;
  private readonly switches = new BoundedMap<Timed>(MAX_REMEMBERED);
  private readonly rollbacks = new BoundedMap<Timed>(MAX_REMEMBERED);
  private readonly waitingByKey = new Map<string, number>();

  constructor(
    private readonly telemetry: Pick<Telemetry, 'tracer' | 'meter'>,
    private readonly now: () => number = Date.now,
  ) {
    this.metrics = instruments(telemetry.meter);
  }

  /** Traffic is on the new color of `delivery` in the environment of `facts`. */
  switched(delivery: ParsedDelivery, facts: EnvironmentFacts, timed: Timed, rollbackRedeploy: boolean): void {
    const key = timingKey(delivery.metadata.name, facts.environment);
    if (this.switches.has(key)) return;
    this.switches.set(key, timed);
    if (rollbackRedeploy) recordRollback(this.metrics, { application: delivery.spec.application, environment: facts.environment, trigger: 'manual' });
    else recordLeadTime(this.metrics, delivery, facts.environment, timed.endMs);
  }

  /** Traffic went back to the previous color after `delivery` turned unhealthy. */
  rolledBack(delivery: ParsedDelivery, facts: EnvironmentFacts, timed: Timed): void {
    const key = timingKey(delivery.metadata.name, facts.environment);
    if (this.rollbacks.has(key)) return;
    this.rollbacks.set(key, timed);
    recordRollback(this.metrics, { application: delivery.spec.application, environment: facts.environment, trigger: 'automatic', errorType: 'PostPromotionUnhealthy' });
  }

  /** A manual rollback switched traffic back to the previous color at once. */
  manualRollback(application: string, environment: EnvironmentName): void {
    recordRollback(this.metrics, { application, environment, trigger: 'manual' });
  }

  /**
   * The deployer wrote `written` over `delivery` (the copy it decided from)
   * for the environment of `facts`: reports the deploy stage when this write
   * ended it, and the Delivery when this write ended it.
   */
  statusWritten(delivery: ParsedDelivery, environment: EnvironmentName, written: DeliveryStatus, facts?: EnvironmentFacts): void {
    const nowMs = this.now();
    const key = timingKey(delivery.metadata.name, environment);
    const before = findStage(delivery.status, { name: 'deploy', environment });
    const after = findStage(written, { name: 'deploy', environment });
    const ran = after !== undefined && (after.state === 'succeeded' || after.state === 'failed');
    if (ran && !(before && isFinalStageState(before.state))) {
      if (facts) {
        const span = deploySpan({
          delivery,
          status: written,
          facts,
          nowMs,
          ...(this.switches.has(key) && { switched: this.switches.get(key) }),
          ...(this.rollbacks.has(key) && { rolledBack: this.rollbacks.get(key) }),
        });
        if (span) recordSpan(this.telemetry.tracer, span, deliveryContext(delivery));
      }
      recordStageEnd(this.metrics, delivery, after, written.phase, nowMs);
    }
    if (isTerminal(written.phase) && !isTerminal(delivery.status.phase)) recordDeliveryEnd(this.metrics, delivery, written, nowMs);
  }

  /** `sluice.queue.depth{sluice.queue=deploy}`: Deliveries waiting for an environment, summed over environments. */
  waiting(key: string, count: number): void {
    if (count > 0) this.waitingByKey.set(key, count);
    else this.waitingByKey.delete(key);
    this.metrics.queueDepth.set('deploy', [...this.waitingByKey.values()].reduce((a, b) => a + b, 0));
  }
}
