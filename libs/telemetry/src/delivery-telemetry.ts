import type { Attributes } from '@opentelemetry/api';
import type { DeliveryStatus, EnvironmentName, Phase, Stage } from '@sluice/delivery';
import {
  deliveryAttributes,
  deliveryErrorType,
  errorTypeAttribute,
  pipelineResult,
  stageErrorType,
  taskAttributes,
  type DeliveryIdentity,
} from './attributes.js';
import { ATTR } from './catalog.js';
import type { Instruments } from './instruments.js';
import { epochMs, type SpanRecord } from './record.js';

/**
 * What a Delivery's stages and ending look like as spans and data points.
 * The decisions (which times, which attributes, which error) are pure; the
 * `record*` functions only hand the values to the instruments.
 */

/** Input of {@link stageSpan}. */
export interface StageSpanInput {
  readonly delivery: DeliveryIdentity;
  /** The stage as the status write that finished it left it. */
  readonly stage: Stage;
  /** The Delivery's phase after that write (a deploy that was switched back is `RolledBack`). */
  readonly phase: Phase;
  /** Span name: `test`, `build`, `deploy <environment>`. */
  readonly name: string;
  readonly attributes?: Attributes;
  readonly children?: readonly SpanRecord[];
  /** Used when the stage has no finish time (it always has one once finished). */
  readonly nowMs: number;
}

/**
 * The span of a finished stage: from its recorded start to its recorded
 * finish (a stage that never started, e.g. a refused deploy, is an instant at
 * its finish), with the Delivery's and the task's attributes, status ERROR and
 * `error.type` when it failed or was canceled.
 */
export function stageSpan(input: StageSpanInput): SpanRecord {
  const { stage, phase } = input;
  const endMs = epochMs(stage.finishedAt) ?? input.nowMs;
  const startMs = epochMs(stage.startedAt) ?? endMs;
  const errorType = stageErrorType(stage, phase);
  return {
    name: input.name,
    startMs,
    endMs,
    attributes: { ...deliveryAttributes(input.delivery), ...taskAttributes(stage), ...input.attributes },
    ...(errorType !== undefined && { error: { type: errorType, ...(stage.message !== undefined && { message: stage.message }) } }),
    ...(input.children && { children: input.children }),
  };
}

/** Seconds between two epoch-millisecond times, never negative. */
export function secondsBetween(startMs: number, endMs: number): number {
  return Math.max(0, endMs - startMs) / 1000;
}

/** `sluice.stage.duration` of a finished stage, by task, result and `error.type`. */
export function recordStageEnd(instruments: Pick<Instruments, 'stageDuration'>, delivery: DeliveryIdentity, stage: Stage, phase: Phase, nowMs: number): void {
  const endMs = epochMs(stage.finishedAt) ?? nowMs;
  const startMs = epochMs(stage.startedAt) ?? endMs;
  instruments.stageDuration.record(secondsBetween(startMs, endMs), {
    [ATTR.pipelineName]: delivery.spec.application,
    ...taskAttributes(stage),
    ...errorTypeAttribute(stageErrorType(stage, phase)),
  });
}

/**
 * `sluice.delivery.duration`: push webhook (`spec.receivedAt`) → now, by
 * `cicd.pipeline.result` and `error.type`. Call it from the one status write
 * that moved the Delivery into its final phase; nothing is recorded for a
 * phase that is not final.
 */
export function recordDeliveryEnd(
  instruments: Pick<Instruments, 'deliveryDuration'>,
  delivery: DeliveryIdentity,
  status: Pick<DeliveryStatus, 'phase' | 'reason'>,
  nowMs: number,
): void {
  const result = pipelineResult(status.phase);
  if (result === undefined) return;
  const receivedMs = epochMs(delivery.spec.receivedAt) ?? nowMs;
  instruments.deliveryDuration.record(secondsBetween(receivedMs, nowMs), {
    [ATTR.pipelineName]: delivery.spec.application,
    [ATTR.pipelineResult]: result,
    ...errorTypeAttribute(deliveryErrorType(status)),
  });
}

/** `sluice.delivery.lead_time`: push webhook → the revision serves traffic in `environment` (now). */
export function recordLeadTime(instruments: Pick<Instruments, 'leadTime'>, delivery: DeliveryIdentity, environment: EnvironmentName, nowMs: number): void {
  const receivedMs = epochMs(delivery.spec.receivedAt) ?? nowMs;
  instruments.leadTime.record(secondsBetween(receivedMs, nowMs), { [ATTR.pipelineName]: delivery.spec.application, [ATTR.environment]: environment });
}

/** One rollback performed (traffic switched back). */
export interface RollbackEvent {
  readonly application: string;
  readonly environment: EnvironmentName;
  readonly trigger: 'automatic' | 'manual';
  /** Why, for an automatic rollback (PostPromotionUnhealthy). */
  readonly errorType?: string;
}

/** `sluice.rollbacks` + 1. */
export function recordRollback(instruments: Pick<Instruments, 'rollbacks'>, event: RollbackEvent): void {
  instruments.rollbacks.add(1, {
    [ATTR.pipelineName]: event.application,
    [ATTR.environment]: event.environment,
    [ATTR.rollbackTrigger]: event.trigger,
    ...errorTypeAttribute(event.errorType),
  });
}
