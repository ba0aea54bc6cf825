/**
 * Holds real exports to what the Grafana dashboard queries: for each PromQL
 * query, some data point of its metric must carry every attribute the query
 * filters or groups by, with each literal filter's value; for each TraceQL
 * query, some span must carry every attribute it searches by — otherwise
 * the panel stays empty however much Sluice works.
 */
import type { DashboardQuery, DashboardTraceQuery } from '@sluice/manifests';
import { METRICS } from '@sluice/telemetry';
import type { JsonMetricPoint } from '@sluice/telemetry/testing';
import type { ReceivedSpan } from './stack/trace.js';

/**
 * One sentence per dashboard query no exported data point could answer
 * (empty when every panel would show something).
 */
export function unansweredQueries(queries: readonly DashboardQuery[], points: readonly JsonMetricPoint[]): string[] {
  const problems = new Set<string>();
  for (const q of queries) {
    const ofMetric = points.filter((p) => p.metric === q.metric);
    const answers = ofMetric.some(
      (p) => q.attributes.every((key) => p.attributes[key] !== undefined) && Object.entries(q.values).every(([key, value]) => String(p.attributes[key]) === value),
    );
    if (answers) continue;
    const wanted = [...q.attributes, ...Object.entries(q.values).map(([k, v]) => `${k}="${v}"`)].join(', ') || 'any attributes';
    const seen = [...new Set(ofMetric.map((p) => JSON.stringify(p.attributes)))].join(' ') || 'no data points';
    problems.add(`${q.panel}: ${q.metric} with ${wanted} — exported: ${seen}`);
  }
  return [...problems];
}

/**
 * `service exported metric` for every metric a service exported that the
 * catalog does not list for it (or does not list at all): the dashboard's
 * contract names who records what.
 */
export function uncataloguedExports(points: readonly JsonMetricPoint[]): string[] {
  const catalog = new Map<string, readonly string[]>(Object.values(METRICS).map((m) => [m.name, m.services]));
  return [
    ...new Set(points.filter((p) => !(catalog.get(p.metric) ?? []).includes(p.serviceName ?? '')).map((p) => `${p.serviceName ?? '?'} exported ${p.metric}`)),
  ];
}

/** One sentence per TraceQL query no span carries all the attributes of (empty when each would find something). */
export function unansweredTraceQueries(queries: readonly DashboardTraceQuery[], spans: readonly ReceivedSpan[]): string[] {
  return queries
    .filter((q) => !spans.some((s) => q.attributes.every((key) => s.attributes[key] !== undefined)))
    .map((q) => `${q.panel}: no span carries ${q.attributes.join(' and ')}`);
}
