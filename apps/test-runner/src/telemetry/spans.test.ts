import type { Delivery, DeliveryStatus } from '@sluice/delivery';
import { TRACEPARENT_ANNOTATION } from '@sluice/telemetry';
import { memoryTelemetry, type MemoryTelemetry } from '@sluice/telemetry/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ContainerFacts, PodFacts } from '../decide/facts.js';
import { RunnerTelemetry } from './observer.js';
import { jobStageSpan, queueWaitSpan } from './spans.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const WEBHOOK = '00f067aa0ba902b7';
const at = (s: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + s * 1000).toISOString();
const ms = (s: number) => Date.parse(at(s));

const delivery = {
  metadata: { name: 'shop-main-abc', creationTimestamp: '2026-01-01T00:00:00Z', annotations: { [TRACEPARENT_ANNOTATION]: `00-${TRACE}-${WEBHOOK}-01` } },
  spec: { application: 'shop', repositoryUrl: 'https://gitlab.example.com/t/shop.git', ref: 'main', refType: 'branch', checkoutSha: 'a'.repeat(40), receivedAt: at(0.2) },
} as unknown as Delivery;

function status(test: Partial<DeliveryStatus['stages'][number]>, phase: DeliveryStatus['phase'] = 'Testing'): DeliveryStatus {
  return { phase, posted: {}, stages: [{ name: 'test', state: 'running', startedAt: at(3.5), jobName: 'shop-main-abc-test', ...test }] };
}

const terminated = (name: string, from: number, to: number, exitCode = 0): ContainerFacts => ({ name, state: { terminated: { exitCode, startedAt: at(from), finishedAt: at(to) } } });

/** The pod of a test Job: clone and install are init containers, test the main one. */
function pod(test: ContainerFacts[], phase = 'Failed'): PodFacts {
  return {
    metadata: { name: 'shop-main-abc-test-x1', creationTimestamp: at(4) },
    status: { phase, initContainerStatuses: [terminated('clone', 5, 6), terminated('install', 6, 8)], containerStatuses: test },
  };
}

describe('test-runner spans', () => {
  it('queue.wait runs from the Delivery (the later of creation and push time) to the test stage start', () => {
    expect(queueWaitSpan(delivery, status({}))).toMatchObject({ name: 'queue.wait', startMs: ms(0.2), endMs: ms(3.5), attributes: { 'sluice.queue': 'test', 'cicd.pipeline.run.id': 'shop-main-abc' } });
  });

  it('a failed test stage spans the stage, names the Job, and has one child per step, the failing one marked', () => {
    const finished = status({ state: 'failed', reason: 'TestsFailed', finishedAt: at(20), exitCode: 1, message: 'tests failed with exit code 1' }, 'Failed');
    const span = jobStageSpan({ delivery, kind: 'test', status: finished, pods: [pod([terminated('test', 8, 19, 1)])], namespace: 'sluice-test', nowMs: 0 });
    expect(span).toMatchObject({
      name: 'test',
      startMs: ms(3.5),
      endMs: ms(20),
      error: { type: 'TestsFailed' },
      attributes: {
        'k8s.job.name': 'shop-main-abc-test',
        'k8s.namespace.name': 'sluice-test',
        'cicd.pipeline.task.name': 'test',
        'cicd.pipeline.task.run.result': 'failure',
        'vcs.ref.head.revision': 'a'.repeat(40),
      },
    });
    expect(span?.children?.map((c) => [c.name, c.startMs, c.endMs, c.error?.type])).toEqual([
      ['clone', ms(5), ms(6), undefined],
      ['install', ms(6), ms(8), undefined],
      ['test.run', ms(8), ms(19), 'TestsFailed'],
    ]);
  });

  it('a test still running at the deadline ends with the stage and carries the timeout', () => {
    const finished = status({ state: 'failed', reason: 'TestTimeout', finishedAt: at(40) }, 'Failed');
    const running = pod([{ name: 'test', state: { running: { startedAt: at(8) } } }]);
    const span = jobStageSpan({ delivery, kind: 'test', status: finished, pods: [running], namespace: 'sluice-test', nowMs: 0 });
    expect(span?.children?.at(-1)).toMatchObject({ name: 'test.run', startMs: ms(8), endMs: ms(40), error: { type: 'TestTimeout' } });
  });

  it('a stage that is still running has no span yet', () => {
    expect(jobStageSpan({ delivery, kind: 'test', status: status({}), pods: [], namespace: 'sluice-test', nowMs: 0 })).toBeUndefined();
  });
});

describe('RunnerTelemetry', () => {
  let telemetry: MemoryTelemetry;
  afterEach(async () => telemetry?.shutdown());

  it('records the stage tree under the webhook span, and the stage and Delivery durations once the stage ends', async () => {
    telemetry = memoryTelemetry();
    const runner = new RunnerTelemetry(telemetry, (kind) => (kind === 'build' ? 'sluice-build' : 'sluice-test'), () => ms(21));
    runner.testStarted(delivery, status({}));
    const passed: DeliveryStatus = { ...status({ state: 'succeeded', finishedAt: at(20), testSummary: { total: 2, passed: 2, failed: 0, skipped: 0, firstFailures: [] } }), phase: 'Passed' };
    runner.stageFinished(delivery, 'test', passed, [pod([terminated('test', 8, 19)], 'Succeeded')]);
    runner.waiting(3);

    const [wait] = telemetry.spansNamed('queue.wait');
    const [test] = telemetry.spansNamed('test');
    expect(wait).toMatchObject({ traceId: TRACE, parentSpanId: WEBHOOK });
    expect(test).toMatchObject({ traceId: TRACE, parentSpanId: WEBHOOK, status: 'unset', attributes: expect.objectContaining({ 'sluice.tests.total': 2 }) });
    for (const step of ['clone', 'install', 'test.run']) expect(telemetry.spansNamed(step)[0]?.parentSpanId).toBe(test?.spanId);

    expect(await telemetry.metric('sluice.stage.duration')).toEqual([
      expect.objectContaining({ sum: 16.5, attributes: { 'cicd.pipeline.name': 'shop', 'cicd.pipeline.task.name': 'test', 'cicd.pipeline.task.run.result': 'success' } }),
    ]);
    expect(await telemetry.metric('sluice.delivery.duration')).toEqual([
      expect.objectContaining({ sum: 20.8, attributes: { 'cicd.pipeline.name': 'shop', 'cicd.pipeline.result': 'success' } }),
    ]);
    expect(await telemetry.metric('sluice.queue.depth')).toEqual([expect.objectContaining({ value: 3, attributes: { 'sluice.queue': 'test' } })]);
  });

  it('does not count a Delivery that goes on to build and deploy', async () => {
    telemetry = memoryTelemetry();
    const runner = new RunnerTelemetry(telemetry, (kind) => (kind === 'build' ? 'sluice-build' : 'sluice-test'), () => ms(21));
    runner.stageFinished(delivery, 'test', status({ state: 'succeeded', finishedAt: at(20) }), []);
    expect(await telemetry.metric('sluice.delivery.duration')).toEqual([]);
    expect(telemetry.spansNamed('test')[0]?.parentSpanId).toBe(WEBHOOK);
  });
});
