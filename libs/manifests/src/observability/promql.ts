import type { MetricSpec } from '@sluice/telemetry/catalog';
import { prometheusLabelName, prometheusMetricName } from './prometheus-names.js';

/**
 * PromQL built from catalog entries: metric and label names always come from
 * the catalog through the OpenTelemetry → Prometheus translation, and a
 * query may only filter or group by attributes its metric declares, so a
 * rename in the catalog changes the dashboard and a typo cannot build.
 */

/** A label matcher on an attribute; a plain string means equality. */
export type Match = string | { readonly op: '=' | '!=' | '=~' | '!~'; readonly value: string };

/** Matchers keyed by OpenTelemetry attribute key (e.g. `cicd.pipeline.result`). */
export type Where = Readonly<Record<string, Match>>;

/** A regular-expression matcher, e.g. `regex('$application')`. */
export const regex = (value: string): Match => ({ op: '=~', value });

function checkAttributes(spec: MetricSpec, keys: readonly string[]): void {
  for (const key of keys) {
    if (!spec.attributes.includes(key)) {
      throw new Error(`${spec.name} has no attribute "${key}" (it has ${spec.attributes.join(', ')}); query one it declares in @sluice/telemetry's catalog`);
    }
  }
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `name_part{label="value",…}`; `part` picks a histogram's `bucket`, `sum` or `count` series. */
export function selector(spec: MetricSpec, where: Where = {}, part?: 'bucket' | 'sum' | 'count'): string {
  if ((part === undefined) !== (spec.kind !== 'histogram')) {
    throw new Error(`${spec.name} is a ${spec.kind}: ${spec.kind === 'histogram' ? 'pick its bucket, sum or count series' : 'it has no bucket, sum or count series'}`);
  }
  checkAttributes(spec, Object.keys(where));
  const name = prometheusMetricName(spec) + (part ? `_${part}` : '');
  const matchers = Object.entries(where).map(([key, m]) => {
    const { op, value } = typeof m === 'string' ? { op: '=', value: m } : m;
    return `${prometheusLabelName(key)}${op}${quote(value)}`;
  });
  return matchers.length > 0 ? `${name}{${matchers.join(', ')}}` : name;
}

/** `sum by (…) (inner)` over attribute keys, plus any Prometheus-only labels (`le`) first; `sum(inner)` without any. */
function sum(spec: MetricSpec, by: readonly string[], inner: string, extra: readonly string[] = []): string {
  checkAttributes(spec, by);
  const labels = [...extra, ...by.map(prometheusLabelName)];
  return labels.length > 0 ? `sum by (${labels.join(', ')}) (${inner})` : `sum(${inner})`;
}

interface Aggregation {
  readonly where?: Where;
  /** Attribute keys to keep as series. @default [] (one series) */
  readonly by?: readonly string[];
  /** Range: `$__range`, `$__rate_interval`, `$window`, `1h`. */
  readonly window: string;
}

/** The `q` quantile of a histogram over `window`, e.g. p95 build time. */
export function quantile(q: number, spec: MetricSpec, a: Aggregation): string {
  return `histogram_quantile(${q}, ${sum(spec, a.by ?? [], `rate(${selector(spec, a.where, 'bucket')}[${a.window}])`, ['le'])})`;
}

/** How many events (counter increments, histogram observations) happened in `window`. */
export function increase(spec: MetricSpec, a: Aggregation): string {
  const series = selector(spec, a.where, spec.kind === 'histogram' ? 'count' : undefined);
  return sum(spec, a.by ?? [], `increase(${series}[${a.window}])`);
}

/** Events per second, averaged over `window`. */
export function rate(spec: MetricSpec, a: Aggregation): string {
  const series = selector(spec, a.where, spec.kind === 'histogram' ? 'count' : undefined);
  return sum(spec, a.by ?? [], `rate(${series}[${a.window}])`);
}

/** The current value of a gauge or up-down counter, summed over instances. */
export function level(spec: MetricSpec, a: Omit<Aggregation, 'window'>): string {
  if (spec.kind !== 'gauge' && spec.kind !== 'updowncounter') throw new Error(`${spec.name} is a ${spec.kind}; use increase or rate`);
  return sum(spec, a.by ?? [], selector(spec, a.where));
}
