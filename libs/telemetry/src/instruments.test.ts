import type { Delivery, Stage } from '@sluice/delivery';
import { afterEach, describe, expect, it } from 'vitest';
import { DURATION_BUCKETS_SECONDS, METRICS, REQUEST_BUCKETS_SECONDS } from './catalog.js';
import { recordDeliveryEnd, recordLeadTime, recordRollback, recordStageEnd, stageSpan } from './delivery-telemetry.js';
import { instruments } from './instruments.js';
import { memoryTelemetry, type MemoryTelemetry } from './testing.js';

let telemetry: MemoryTelemetry;
afterEach(async () => telemetry?.shutdown());

const RECEIVED = Date.parse('2025-01-31T12:00:00.000Z');
const delivery = {
  metadata: { name: 'shop-main-0a1b2c3' },
  spec: { application: 'shop', repositoryUrl: 'https://gitlab.example.com/team/shop.git', ref: 'main', refType: 'branch', checkoutSha: 'a'.repeat(40), receivedAt: '2025-01-31T12:00:00.000Z' },
} as unknown as Delivery;

describe('instruments', () => {
  it('creates every catalogued metric with its name, unit and buckets', async () => {
    telemetry = memoryTelemetry();
    const i = instruments(telemetry.meter);
    i.deliveryDuration.record(1);
    i.stageDuration.record(1);
    i.leadTime.record(1);
    i.rollbacks.add(1);
    i.webhookRejections.add(1);
    i.webhookRequests.add(1);
    i.webhookDuration.record(0.01);
    i.queueDepth.set('test', 1);
    i.gitlabErrors.add(1);
    i.deliveriesDeleted.add(1);
    const points = await telemetry.metrics();
    for (const spec of Object.values(METRICS)) {
      const point = points.find((p) => p.name === spec.name);
      expect(point, spec.name).toBeDefined();
      expect(point?.unit).toBe(spec.unit);
    }
    expect(points.find((p) => p.name === 'sluice.stage.duration')?.boundaries).toEqual([...DURATION_BUCKETS_SECONDS]);
    expect(points.find((p) => p.name === 'sluice.webhook.duration')?.boundaries).toEqual([...REQUEST_BUCKETS_SECONDS]);
  });

  it('reports the queue depth last set per queue, zero included', async () => {
    telemetry = memoryTelemetry();
    const { queueDepth } = instruments(telemetry.meter);
    queueDepth.set('test', 4);
    queueDepth.set('test', 2);
    queueDepth.set('deploy', 0);
    const depth = await telemetry.metric('sluice.queue.depth');
    expect(depth.map((p) => [p.attributes['sluice.queue'], p.value]).sort()).toEqual([
      ['deploy', 0],
      ['test', 2],
    ]);
  });
});

describe('Delivery metrics', () => {
  it('records a failed stage by task, result and reason, and the Delivery from push to its end', async () => {
    telemetry = memoryTelemetry();
    const i = instruments(telemetry.meter);
    const stage: Stage = { name: 'test', state: 'failed', reason: 'TestsFailed', startedAt: '2025-01-31T12:00:05.000Z', finishedAt: '2025-01-31T12:00:35.000Z' };
    recordStageEnd(i, delivery, stage, 'Failed', RECEIVED + 35_000);
    recordDeliveryEnd(i, delivery, { phase: 'Failed', reason: 'TestsFailed' }, RECEIVED + 36_000);
    recordDeliveryEnd(i, delivery, { phase: 'Deploying' }, RECEIVED + 36_000);

    const [stagePoint] = await telemetry.metric('sluice.stage.duration');
    expect(stagePoint).toMatchObject({
      count: 1,
      sum: 30,
      attributes: { 'cicd.pipeline.name': 'shop', 'cicd.pipeline.task.name': 'test', 'cicd.pipeline.task.run.result': 'failure', 'error.type': 'TestsFailed' },
    });
    // A Delivery still running is not counted.
    expect(await telemetry.metric('sluice.delivery.duration')).toEqual([
      expect.objectContaining({ count: 1, sum: 36, attributes: { 'cicd.pipeline.name': 'shop', 'cicd.pipeline.result': 'failure', 'error.type': 'TestsFailed' } }),
    ]);
  });

  it('records lead time per environment and rollbacks by trigger', async () => {
    telemetry = memoryTelemetry();
    const i = instruments(telemetry.meter);
    recordLeadTime(i, delivery, 'production', RECEIVED + 120_000);
    recordRollback(i, { application: 'shop', environment: 'production', trigger: 'automatic', errorType: 'PostPromotionUnhealthy' });
    recordRollback(i, { application: 'shop', environment: 'production', trigger: 'manual' });
    expect(await telemetry.metric('sluice.delivery.lead_time')).toEqual([
      expect.objectContaining({ sum: 120, attributes: { 'cicd.pipeline.name': 'shop', 'deployment.environment.name': 'production' } }),
    ]);
    const rollbacks = await telemetry.metric('sluice.rollbacks');
    expect(rollbacks.map((p) => [p.attributes['sluice.rollback.trigger'], p.attributes['error.type'], p.value]).sort()).toEqual([
      ['automatic', 'PostPromotionUnhealthy', 1],
      ['manual', undefined, 1],
    ]);
  });
});

describe('stageSpan', () => {
  it('spans the recorded start and finish with the Delivery and task attributes', () => {
    const span = stageSpan({
      delivery,
      stage: { name: 'deploy', environment: 'production', state: 'failed', reason: 'PostPromotionUnhealthy', message: 'turned unhealthy', startedAt: '2025-01-31T12:01:00.000Z', finishedAt: '2025-01-31T12:02:00.000Z' },
      phase: 'RolledBack',
      name: 'deploy production',
      nowMs: 0,
    });
    expect(span).toMatchObject({
      name: 'deploy production',
      startMs: RECEIVED + 60_000,
      endMs: RECEIVED + 120_000,
      error: { type: 'RolledBack', message: 'turned unhealthy' },
      attributes: { 'cicd.pipeline.run.id': 'shop-main-0a1b2c3', 'cicd.pipeline.task.name': 'deploy:production', 'cicd.pipeline.task.run.result': 'failure' },
    });
  });

  it('makes a stage that never started an instant at its finish', () => {
    const span = stageSpan({ delivery, stage: { name: 'deploy', environment: 'production', state: 'failed', reason: 'PostPromotionUnhealthy', finishedAt: '2025-01-31T12:02:00.000Z' }, phase: 'Failed', name: 'deploy production', nowMs: 0 });
    expect([span.startMs, span.endMs]).toEqual([RECEIVED + 120_000, RECEIVED + 120_000]);
  });
});
