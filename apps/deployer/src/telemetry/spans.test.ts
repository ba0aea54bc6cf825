import { ANNOTATIONS } from '@sluice/delivery';
import type { DeliveryStatus } from '@sluice/delivery';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import { memoryTelemetry, type MemoryTelemetry } from '@sluice/telemetry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParsedDelivery, PodObject } from '../decide/facts.js';
import { NEW, OLD, delivery, deployment, facts, pod, service } from '../decide/fixtures.testkit.js';
import { DeployerTelemetry } from './observer.js';
import { deploySpan } from './spans.js';

const T0 = Date.parse('2026-01-01T11:00:10.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const TRACE = '5bf92f3577b34da6a3ce929d0e0e4736';
const WEBHOOK = '10f067aa0ba902b7';

function readyPod(name: string, readyAtS: number): PodObject {
  const p = pod(name, 'green', NEW);
  return { ...p, status: { ...p.status, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at(readyAtS) } as never] } };
}

function traced(d: ParsedDelivery): ParsedDelivery {
  return { ...d, metadata: { ...d.metadata, annotations: { [TRACEPARENT_ANNOTATION]: `00-${TRACE}-${WEBHOOK}-01` } } };
}

function ended(d: ParsedDelivery, stage: Partial<DeliveryStatus['stages'][number]>, phase: DeliveryStatus['phase']): DeliveryStatus {
  return { ...d.status, phase, stages: d.status.stages.map((s) => (s.name === 'deploy' ? { ...s, startedAt: at(0), ...stage } : s)) };
}

/** The environment with the new revision live on green since `promotedS`. */
const liveOnGreen = (promotedS: number) =>
  facts({
    service: service('green', { [ANNOTATIONS.revision]: NEW, [ANNOTATIONS.promotedAt]: at(promotedS) }),
    deployments: { blue: deployment('blue', OLD), green: deployment('green', NEW) },
    pods: [readyPod('g1', 7), readyPod('g2', 9)],
  });

describe('deploy spans', () => {
  it('a verified environment: rollout until the new pods were Ready, the switch, then the bake', () => {
    const running = delivery(NEW, { state: 'running', startedAt: at(0) }, 'Verifying');
    const status = ended(running, { state: 'succeeded', finishedAt: at(40) }, 'Live');
    const span = deploySpan({ delivery: running, status, facts: liveOnGreen(10), nowMs: 0 });
    expect(span).toMatchObject({
      name: 'deploy production',
      startMs: T0,
      endMs: T0 + 40_000,
      attributes: {
        'deployment.environment.name': 'production',
        'k8s.namespace.name': 'prod',
        'k8s.deployment.name': 'shop-production-green',
        'cicd.pipeline.task.name': 'deploy:production',
        'cicd.pipeline.task.run.result': 'success',
      },
    });
    expect(span?.error).toBeUndefined();
    expect(span?.children?.map((c) => [c.name, (c.startMs - T0) / 1000, (c.endMs - T0) / 1000, c.error?.type])).toEqual([
      ['rollout.wait', 0, 9, undefined],
      ['switch', 10, 10, undefined],
      ['bake', 10, 40, undefined],
    ]);
  });

  it('a rollback measured by this process: bake fails as RolledBack, the rollback is its own step', () => {
    const running = delivery(NEW, { state: 'running', startedAt: at(0) }, 'Verifying');
    const status = ended(running, { state: 'failed', reason: 'PostPromotionUnhealthy', message: 'unhealthy; rolled back to blue', finishedAt: at(31) }, 'RolledBack');
    const span = deploySpan({
      delivery: running,
      status,
      facts: liveOnGreen(10),
      switched: { startMs: T0 + 10_000, endMs: T0 + 10_020 },
      rolledBack: { startMs: T0 + 30_000, endMs: T0 + 30_010 },
      nowMs: 0,
    });
    expect(span?.error).toEqual({ type: 'RolledBack', message: 'unhealthy; rolled back to blue' });
    expect(span?.children?.map((c) => [c.name, c.startMs - T0, c.endMs - T0, c.error?.type])).toEqual([
      ['rollout.wait', 0, 9_000, undefined],
      ['switch', 10_000, 10_020, undefined],
      ['bake', 10_020, 30_000, 'RolledBack'],
      ['rollback', 30_000, 30_010, undefined],
    ]);
    expect(span?.children?.at(-1)?.attributes).toMatchObject({ 'sluice.rollback.trigger': 'automatic' });
  });

  it('a rollout that never became ready fails in rollout.wait and never switched', () => {
    const running = delivery(NEW, { state: 'running', startedAt: at(0) }, 'Deploying');
    const status = ended(running, { state: 'failed', reason: 'ReadinessFailed', finishedAt: at(30) }, 'Failed');
    const idle = facts({ service: service('blue', { [ANNOTATIONS.revision]: OLD, [ANNOTATIONS.promotedAt]: at(-500) }), deployments: { blue: deployment('blue', OLD), green: deployment('green', NEW) } });
    const span = deploySpan({ delivery: running, status, facts: idle, nowMs: 0 });
    expect(span?.error?.type).toBe('ReadinessFailed');
    expect(span?.children?.map((c) => [c.name, c.endMs - T0, c.error?.type])).toEqual([['rollout.wait', 30_000, 'ReadinessFailed']]);
  });

  it('a refused revision is an instant failed span with no steps', () => {
    const pending = delivery(NEW);
    const status: DeliveryStatus = { ...pending.status, phase: 'Failed', stages: pending.status.stages.map((s) => (s.name === 'deploy' ? { ...s, state: 'failed', reason: 'PostPromotionUnhealthy', finishedAt: at(1) } : s)) };
    const span = deploySpan({ delivery: pending, status, facts: facts(), nowMs: 0 });
    expect(span).toMatchObject({ startMs: T0 + 1_000, endMs: T0 + 1_000, error: { type: 'PostPromotionUnhealthy' } });
    expect(span?.children).toBeUndefined();
  });
});

describe('DeployerTelemetry', () => {
  let telemetry: MemoryTelemetry;
  afterEach(async () => telemetry?.shutdown());

  it('reports lead time at the switch, then the stage tree and the Delivery when the stage ends it', async () => {
    telemetry = memoryTelemetry();
    const reporter = new DeployerTelemetry(telemetry, () => T0 + 40_000);
    const running = traced(delivery(NEW, { state: 'running', startedAt: at(0) }, 'Verifying'));
    const env = liveOnGreen(10);
    reporter.switched(running, env, { startMs: T0 + 10_000, endMs: T0 + 10_050 }, false);
    reporter.statusWritten(running, 'production', ended(running, { state: 'succeeded', finishedAt: at(40) }, 'Live'), env);
    // The same transition seen again (a re-read) is not reported twice.
    reporter.statusWritten({ ...running, status: ended(running, { state: 'succeeded', finishedAt: at(40) }, 'Live') }, 'production', ended(running, { state: 'succeeded', finishedAt: at(40) }, 'Live'), env);

    const [deploy] = telemetry.spansNamed('deploy production');
    expect(deploy).toMatchObject({ traceId: TRACE, parentSpanId: WEBHOOK, status: 'unset' });
    for (const step of ['rollout.wait', 'switch', 'bake']) expect(telemetry.spansNamed(step)[0]?.parentSpanId, step).toBe(deploy?.spanId);
    expect(telemetry.spansNamed('switch')[0]).toMatchObject({ startMs: T0 + 10_000, endMs: T0 + 10_050 });
    // receivedAt is 11:00:00; the switch ended 10.05 s after T0 (11:00:10).
    expect(await telemetry.metric('sluice.delivery.lead_time')).toEqual([expect.objectContaining({ count: 1, sum: 20.05, attributes: { 'cicd.pipeline.name': 'shop', 'deployment.environment.name': 'production' } })]);
    expect(await telemetry.metric('sluice.stage.duration')).toEqual([expect.objectContaining({ count: 1, sum: 40 })]);
    expect(await telemetry.metric('sluice.delivery.duration')).toEqual([expect.objectContaining({ count: 1, sum: 50, attributes: { 'cicd.pipeline.name': 'shop', 'cicd.pipeline.result': 'success' } })]);
  });

  it('counts automatic and manual rollbacks, and a rollback redeploy as a manual rollback, not a lead time', async () => {
    telemetry = memoryTelemetry();
    const reporter = new DeployerTelemetry(telemetry);
    const running = delivery(NEW, { state: 'running', startedAt: at(0) }, 'Verifying');
    reporter.rolledBack(running, liveOnGreen(10), { startMs: T0, endMs: T0 + 5 });
    reporter.manualRollback('shop', 'production');
    reporter.switched(running, liveOnGreen(10), { startMs: T0, endMs: T0 + 5 }, true);
    const rollbacks = await telemetry.metric('sluice.rollbacks');
    expect(rollbacks.map((p) => [p.attributes['sluice.rollback.trigger'], p.attributes['error.type'], p.value]).sort()).toEqual([
      ['automatic', 'PostPromotionUnhealthy', 1],
      ['manual', undefined, 2],
    ]);
    expect(await telemetry.metric('sluice.delivery.lead_time')).toEqual([]);
  });

  it('reports a switch or rollback repeated on a stale view (informer lag) once', async () => {
    telemetry = memoryTelemetry();
    const reporter = new DeployerTelemetry(telemetry);
    const running = delivery(NEW, { state: 'running', startedAt: at(0) }, 'Verifying');
    for (let i = 0; i < 2; i++) {
      reporter.switched(running, liveOnGreen(10), { startMs: T0 + i, endMs: T0 + i + 5 }, false);
      reporter.rolledBack(running, liveOnGreen(10), { startMs: T0 + i, endMs: T0 + i + 5 });
    }
    expect((await telemetry.metric('sluice.delivery.lead_time'))[0]?.count).toBe(1);
    expect((await telemetry.metric('sluice.rollbacks'))[0]?.value).toBe(1);
  });

  it('reports the environment queue depth summed over environments', async () => {
    telemetry = memoryTelemetry();
    const reporter = new DeployerTelemetry(telemetry);
    reporter.waiting('shop/production', 2);
    reporter.waiting('shop/staging', 1);
    reporter.waiting('shop/production', 0);
    expect(await telemetry.metric('sluice.queue.depth')).toEqual([expect.objectContaining({ value: 1, attributes: { 'sluice.queue': 'deploy' } })]);
  });
});
