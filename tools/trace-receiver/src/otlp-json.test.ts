import { describe, expect, it } from 'vitest';
import { spansFromOtlp, type OtlpTracesData } from './otlp-json.js';

/** Shaped like Jaeger v2's `/api/v3/traces/{id}` `result` (hex ids, numeric enums, 64-bit values as strings). */
const fromJaeger: OtlpTracesData = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'test-runner' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              parentSpanId: 'eee19b7ec3c1b173',
              name: 'run tests',
              kind: 3,
              startTimeUnixNano: '1700000000200000000',
              endTimeUnixNano: '1700000000500000000',
              attributes: [
                { key: 'sluice.attempt', value: { intValue: '7' } },
                { key: 'ratio', value: { doubleValue: 1.5 } },
                { key: 'suites', value: { arrayValue: { values: [{ stringValue: 'unit' }, { intValue: '2' }] } } },
                { key: 'cached', value: { boolValue: true } },
                { key: 'empty', value: {} },
                { key: '@jaeger@warnings', value: { arrayValue: { values: [{ stringValue: 'clock skew' }] } } },
              ],
              events: [{ timeUnixNano: '1700000000300000000', name: 'job created', attributes: [{ key: 'n', value: { intValue: '1' } }] }],
              status: { message: 'boom', code: 2 },
            },
          ],
        },
      ],
    },
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'webhook-gateway' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b173',
              name: 'push received',
              kind: 2,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000600000000',
              status: {},
            },
          ],
        },
      ],
    },
  ],
};

describe('spansFromOtlp', () => {
  it('flattens resources and scopes into spans in start order, each with its service name', () => {
    const spans = spansFromOtlp(fromJaeger);
    expect(spans.map((s) => [s.name, s.serviceName])).toEqual([
      ['push received', 'webhook-gateway'],
      ['run tests', 'test-runner'],
    ]);
  });

  it('keeps ids, parent, kind, times and status as the sender set them', () => {
    const [root, child] = spansFromOtlp(fromJaeger);
    expect(root).toMatchObject({ spanId: 'eee19b7ec3c1b173', kind: 'SERVER', statusCode: 'UNSET' });
    expect(root?.parentSpanId).toBeUndefined();
    expect(root?.statusMessage).toBeUndefined();
    expect(child).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      parentSpanId: 'eee19b7ec3c1b173',
      kind: 'CLIENT',
      startUnixNano: 1_700_000_000_200_000_000n,
      endUnixNano: 1_700_000_000_500_000_000n,
      statusCode: 'ERROR',
      statusMessage: 'boom',
    });
  });

  it('turns attribute values into plain values and leaves out Jaeger-internal ones', () => {
    const child = spansFromOtlp(fromJaeger)[1];
    expect(child?.attributes).toEqual({ 'sluice.attempt': 7, ratio: 1.5, suites: ['unit', '2'], cached: true, empty: '' });
    expect(child?.events).toEqual([{ name: 'job created', timeUnixNano: 1_700_000_000_300_000_000n, attributes: { n: 1 } }]);
  });

  it('reads the other OTLP JSON encoding too: base64 ids, enum names, numeric times', () => {
    const [span] = spansFromOtlp({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex').toString('base64'),
                  spanId: Buffer.from('eee19b7ec3c1b174', 'hex').toString('base64'),
                  parentSpanId: '',
                  name: 'x',
                  kind: 'SPAN_KIND_PRODUCER',
                  startTimeUnixNano: 5,
                  endTimeUnixNano: 9,
                  status: { code: 'STATUS_CODE_OK' },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(span).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      serviceName: 'unknown_service',
      kind: 'PRODUCER',
      startUnixNano: 5n,
      statusCode: 'OK',
    });
    expect(span?.parentSpanId).toBeUndefined();
  });

  it('reads an empty result as no spans', () => {
    expect(spansFromOtlp({})).toEqual([]);
  });
});
