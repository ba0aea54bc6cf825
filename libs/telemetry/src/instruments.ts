import type { Attributes, Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { ATTR, METRICS, type MetricSpec } from './catalog.js';

/** The work queues whose depth `sluice.queue.depth` reports. */
export type QueueName = 'test' | 'deploy' | 'notify';

/** `sluice.queue.depth`: set the current depth; the instrument reports the change. */
export interface QueueDepth {
  set(queue: QueueName, items: number): void;
}

/** Every instrument in the catalog, created on one meter. */
export interface Instruments {
  readonly deliveryDuration: Histogram;
  readonly stageDuration: Histogram;
  readonly leadTime: Histogram;
  readonly rollbacks: Counter;
  readonly webhookRejections: Counter;
  readonly webhookRequests: Counter;
  readonly webhookDuration: Histogram;
  readonly queueDepth: QueueDepth;
  readonly gitlabErrors: Counter;
  readonly deliveriesDeleted: Counter;
}

/**
 * Creates every catalogued instrument on `meter`, with the catalog's name,
 * unit and description, and its bucket boundaries as advice. On the no-op
 * meter (telemetry off) they record nothing and cost next to nothing.
 */
export function instruments(meter: Meter): Instruments {
  return {
    deliveryDuration: histogram(meter, METRICS.deliveryDuration),
    stageDuration: histogram(meter, METRICS.stageDuration),
    leadTime: histogram(meter, METRICS.leadTime),
    rollbacks: counter(meter, METRICS.rollbacks),
    webhookRejections: counter(meter, METRICS.webhookRejections),
    webhookRequests: counter(meter, METRICS.webhookRequests),
    webhookDuration: histogram(meter, METRICS.webhookDuration),
    queueDepth: queueDepth(meter.createUpDownCounter(METRICS.queueDepth.name, options(METRICS.queueDepth))),
    gitlabErrors: counter(meter, METRICS.gitlabErrors),
    deliveriesDeleted: counter(meter, METRICS.deliveriesDeleted),
  };
}

function options(spec: MetricSpec): { unit: string; description: string } {
  return { unit: spec.unit, description: spec.description };
}

function histogram(meter: Meter, spec: MetricSpec): Histogram {
  return meter.createHistogram(spec.name, { ...options(spec), ...(spec.buckets && { advice: { explicitBucketBoundaries: [...spec.buckets] } }) });
}

function counter(meter: Meter, spec: MetricSpec): Counter {
  return meter.createCounter(spec.name, options(spec));
}

/**
 * A depth is a level, but the catalog's instrument is an up-down counter (a
 * non-monotonic sum, a gauge to Prometheus): each `set` adds the difference
 * to the last value set for that queue by this object.
 */
function queueDepth(instrument: UpDownCounter): QueueDepth {
  const last = new Map<QueueName, number>();
  return {
    set(queue, items) {
      const value = Math.max(0, Math.floor(items));
      const previous = last.get(queue);
      last.set(queue, value);
      // The first set reports even a zero, so the series exists before anything queues.
      if (previous === undefined || value !== previous) instrument.add(value - (previous ?? 0), { [ATTR.queue]: queue } satisfies Attributes);
    },
  };
}
