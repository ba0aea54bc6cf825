import type { Delivery, DeliveryStatus } from '@sluice/delivery';
import { findStage, isTerminal } from '@sluice/delivery';
import { deliveryContext, instruments, recordDeliveryEnd, recordSpan, recordStageEnd, type Instruments, type Telemetry } from '@sluice/telemetry';
import type { PodFacts } from '../decide/facts.js';
import type { JobKind } from '../jobs/names.js';
import { jobStageSpan, queueWaitSpan } from './spans.js';

/**
 * What the runner reports, each at the status write that records the
 * transition (decide-then-act: the spans are decided in `spans.ts` from
 * recorded times). At-most-once: a write that fails (a Conflict) reports
 * nothing, and a write that succeeded is never made again, so nothing is
 * reported twice; a crash between the write and the export loses those
 * spans and points.
 */
export class RunnerTelemetry {
  private readonly metrics: Instruments;

  constructor(
    private readonly telemetry: Pick<Telemetry, 'tracer' | 'meter'>,
    /** The namespace the Jobs of a kind run in. */
    private readonly namespaceOf: (kind: JobKind) => string,
    private readonly now: () => number = Date.now,
  ) {
    this.metrics = instruments(telemetry.meter);
  }

  /** The test stage started (a Job slot was taken): `queue.wait` under the Delivery's trace. */
  testStarted(delivery: Delivery, status: DeliveryStatus): void {
    const span = queueWaitSpan(delivery, status);
    if (span) recordSpan(this.telemetry.tracer, span, deliveryContext(delivery));
  }

  /**
   * The `kind` stage ended with `status` written: its span (with one child
   * per step from `pods`), `sluice.stage.duration`, and
   * `sluice.delivery.duration` when the write ended the Delivery.
   */
  stageFinished(delivery: Delivery, kind: JobKind, status: DeliveryStatus, pods: readonly PodFacts[]): void {
    const nowMs = this.now();
    const span = jobStageSpan({ delivery, kind, status, pods, namespace: this.namespaceOf(kind), nowMs });
    if (span) recordSpan(this.telemetry.tracer, span, deliveryContext(delivery));
    const stage = findStage(status, { name: kind });
    if (stage) recordStageEnd(this.metrics, delivery, stage, status.phase, nowMs);
    if (isTerminal(status.phase)) recordDeliveryEnd(this.metrics, delivery, status, nowMs);
  }

  /** `sluice.queue.depth{sluice.queue=test}`: Deliveries waiting for a Job slot. */
  waiting(count: number): void {
    this.metrics.queueDepth.set('test', count);
  }
}
