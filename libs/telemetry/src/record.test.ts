import { afterEach, describe, expect, it } from 'vitest';
import { recordSpan } from './record.js';
import { memoryTelemetry, type MemoryTelemetry } from './testing.js';
import { deliveryContext, TRACEPARENT_ANNOTATION } from './trace-context.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const WEBHOOK_SPAN = 'b7ad6b7169203331';
const annotations = { [TRACEPARENT_ANNOTATION]: `00-${TRACE}-${WEBHOOK_SPAN}-01` };

let telemetry: MemoryTelemetry;
afterEach(async () => telemetry?.shutdown());

describe('recordSpan', () => {
  it('records a finished stage and its steps under the webhook span, at the recorded times', () => {
    telemetry = memoryTelemetry();
    // A day ago: long before this process started, which must not shift the times.
    const t0 = Date.now() - 86_400_000;
    recordSpan(
      telemetry.tracer,
      {
        name: 'test',
        startMs: t0,
        endMs: t0 + 9_000,
        attributes: { 'cicd.pipeline.task.name': 'test' },
        error: { type: 'TestsFailed', message: 'tests failed with exit code 1' },
        children: [
          { name: 'clone', startMs: t0 + 1_000, endMs: t0 + 2_000 },
          { name: 'test.run', startMs: t0 + 3_000, endMs: t0 + 8_000, error: { type: 'TestsFailed' } },
        ],
      },
      deliveryContext({ metadata: { annotations } }),
    );

    const [test] = telemetry.spansNamed('test');
    const [clone] = telemetry.spansNamed('clone');
    const [run] = telemetry.spansNamed('test.run');
    expect(test).toMatchObject({ traceId: TRACE, parentSpanId: WEBHOOK_SPAN, startMs: t0, endMs: t0 + 9_000, status: 'error', statusMessage: 'tests failed with exit code 1' });
    expect(test?.attributes).toMatchObject({ 'cicd.pipeline.task.name': 'test', 'error.type': 'TestsFailed' });
    expect(clone).toMatchObject({ traceId: TRACE, parentSpanId: test?.spanId, startMs: t0 + 1_000, endMs: t0 + 2_000, status: 'unset' });
    expect(clone?.attributes['error.type']).toBeUndefined();
    expect(run).toMatchObject({ parentSpanId: test?.spanId, status: 'error' });
  });

  it('keeps children inside their parent (container clocks have whole seconds) and never ends a span before it starts', () => {
    telemetry = memoryTelemetry();
    const t0 = Date.parse('2025-01-31T12:00:00.600Z');
    recordSpan(telemetry.tracer, {
      name: 'build',
      startMs: t0,
      endMs: t0 + 5_000,
      children: [{ name: 'clone', startMs: t0 - 600, endMs: t0 + 9_000 }],
    });
    recordSpan(telemetry.tracer, { name: 'backwards', startMs: t0, endMs: t0 - 1_000 });
    expect(telemetry.spansNamed('clone')[0]).toMatchObject({ startMs: t0, endMs: t0 + 5_000 });
    expect(telemetry.spansNamed('backwards')[0]).toMatchObject({ startMs: t0, endMs: t0 });
  });

  it('starts a trace of its own for a Delivery without trace context', () => {
    telemetry = memoryTelemetry();
    recordSpan(telemetry.tracer, { name: 'deploy production', startMs: 1_000_000, endMs: 2_000_000 }, deliveryContext({ metadata: {} }));
    expect(telemetry.spansNamed('deploy production')[0]?.parentSpanId).toBeUndefined();
  });
});
