import { ATTR, METRICS, type MetricSpec } from '@sluice/telemetry/catalog';
import { sluiceDashboard } from './dashboard.js';
import type { Json, JsonObject } from './grafana.js';
import { prometheusLabelName, prometheusSeries } from './prometheus-names.js';
import { promqlRefs } from './promql-refs.js';

/** One catalog metric as a dashboard query uses it. */
export interface DashboardQuery {
  /** Panel title, or `variable <name>` for a template variable's query. */
  readonly panel: string;
  /** OpenTelemetry metric name, e.g. `sluice.delivery.duration`. */
  readonly metric: string;
  /** OpenTelemetry attribute keys the query filters or groups by: exported points must carry them. */
  readonly attributes: readonly string[];
  /** Literal equality filters (attribute → value): a point with this value must exist for the query to show anything. */
  readonly values: Readonly<Record<string, string>>;
  readonly expr: string;
}

/** Span attributes a TraceQL query searches by. */
export interface DashboardTraceQuery {
  readonly panel: string;
  readonly attributes: readonly string[];
  readonly query: string;
}

export interface DashboardReferences {
  readonly queries: readonly DashboardQuery[];
  readonly traceQueries: readonly DashboardTraceQuery[];
  /** Everything that does not map back to the catalog, one sentence each; empty when the dashboard is sound. */
  readonly problems: readonly string[];
}

/**
 * Labels the pipeline adds to every series, which are not metric attributes:
 * `job`/`instance` (from `service.name`/`service.instance.id`) and the
 * instrumentation scope, as the collector's `prometheus` exporter writes them.
 */
export const PIPELINE_LABELS: readonly string[] = ['job', 'instance', 'otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url'];

type Target = { panel: string; datasource: string; text: string };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function targetsOf(dashboard: JsonObject): Target[] {
  const out: Target[] = [];
  const visit = (panels: Json | undefined) => {
    for (const panel of Array.isArray(panels) ? panels : []) {
      if (!isObject(panel)) continue;
      visit(panel['panels']);
      for (const t of Array.isArray(panel['targets']) ? panel['targets'] : []) {
        if (!isObject(t)) continue;
        const ds = isObject(t['datasource']) ? String(t['datasource']['type']) : isObject(panel['datasource']) ? String(panel['datasource']['type']) : '';
        const text = typeof t['expr'] === 'string' ? t['expr'] : typeof t['query'] === 'string' ? t['query'] : '';
        out.push({ panel: String(panel['title']), datasource: ds, text });
      }
    }
  };
  visit(dashboard['panels']);
  const templating = dashboard['templating'];
  for (const v of isObject(templating) && Array.isArray(templating['list']) ? templating['list'] : []) {
    if (!isObject(v) || v['type'] !== 'query') continue;
    const q = v['query'];
    const text = typeof q === 'string' ? q : isObject(q) && typeof q['query'] === 'string' ? q['query'] : '';
    out.push({ panel: `variable ${String(v['name'])}`, datasource: isObject(v['datasource']) ? String(v['datasource']['type']) : 'prometheus', text });
  }
  return out;
}

/** Prometheus series name → the catalog metric it comes from. */
function seriesIndex(catalog: readonly MetricSpec[]): Map<string, { spec: MetricSpec; bucket: boolean }> {
  const index = new Map<string, { spec: MetricSpec; bucket: boolean }>();
  for (const spec of catalog) for (const s of prometheusSeries(spec)) index.set(s, { spec, bucket: s.endsWith('_bucket') && spec.kind === 'histogram' });
  return index;
}

function promQuery(t: Target, index: ReturnType<typeof seriesIndex>, problems: string[]): DashboardQuery[] {
  let refs;
  try {
    refs = promqlRefs(t.text);
  } catch (error) {
    problems.push(`${t.panel}: ${(error as Error).message}`);
    return [];
  }
  const used = refs.metrics.map((m) => ({ name: m, found: index.get(m) }));
  for (const u of used) if (!u.found) problems.push(`${t.panel}: metric "${u.name}" is not in the catalog (as the prometheus exporter names it)`);
  const found = used.flatMap((u) => (u.found ? [u.found] : []));
  if (found.length === 0 && used.length === 0) problems.push(`${t.panel}: query refers to no metric: ${t.text}`);
  return found.map(({ spec }) => {
    const byLabel = new Map(spec.attributes.map((a) => [prometheusLabelName(a), a]));
    const attributes: string[] = [];
    for (const label of refs.labels) {
      const attribute = byLabel.get(label);
      if (attribute !== undefined) attributes.push(attribute);
      else if (label === 'le' && found.every((f) => f.bucket)) continue;
      else if (!PIPELINE_LABELS.includes(label)) problems.push(`${t.panel}: label "${label}" is not an attribute of ${spec.name} (${spec.attributes.join(', ')})`);
    }
    const values: Record<string, string> = {};
    for (const m of refs.matchers) {
      const attribute = byLabel.get(m.label);
      if (attribute !== undefined && m.op === '=' && !m.value.includes('$')) values[attribute] = m.value;
    }
    return { panel: t.panel, metric: spec.name, attributes, values, expr: t.text };
  });
}

function traceQuery(t: Target, problems: string[]): DashboardTraceQuery {
  const known = new Set<string>(Object.values(ATTR));
  const attributes: string[] = [];
  for (const [, scope, key = ''] of t.text.matchAll(/(?<![\w.])(span|resource)?\.([a-zA-Z_][\w.]*[\w])/g)) {
    if (scope === 'resource') continue;
    if (!known.has(key)) problems.push(`${t.panel}: span attribute "${key}" is not one of @sluice/telemetry's ATTR keys`);
    else if (!attributes.includes(key)) attributes.push(key);
  }
  if (attributes.length === 0) problems.push(`${t.panel}: TraceQL query searches by no Sluice attribute: ${t.text}`);
  return { panel: t.panel, attributes, query: t.text };
}

/**
 * Reads every query of a Grafana dashboard back to the catalog: each PromQL
 * metric must be a catalog metric under its Prometheus name, each label one
 * of that metric's attributes (or `le` on a histogram bucket, or a label the
 * pipeline adds), and each TraceQL span attribute an `ATTR` key.
 */
export function dashboardReferences(dashboard: JsonObject, catalog: readonly MetricSpec[] = Object.values(METRICS)): DashboardReferences {
  const index = seriesIndex(catalog);
  const problems: string[] = [];
  const queries: DashboardQuery[] = [];
  const traceQueries: DashboardTraceQuery[] = [];
  for (const t of targetsOf(dashboard)) {
    if (t.datasource === 'prometheus') queries.push(...promQuery(t, index, problems));
    else if (t.datasource === 'tempo') traceQueries.push(traceQuery(t, problems));
    else problems.push(`${t.panel}: datasource "${t.datasource}" is neither prometheus nor tempo`);
  }
  return { queries, traceQueries, problems };
}

/**
 * What Sluice's dashboard needs the services to export: one entry per
 * catalog metric per query, with the attributes (and literal values) the
 * query filters or groups by. An end-to-end test asserts each appears in
 * real OTLP exports. Throws if the dashboard queries anything the catalog
 * does not declare.
 */
export function dashboardQueries(): readonly DashboardQuery[] {
  const refs = dashboardReferences(sluiceDashboard());
  if (refs.problems.length > 0) throw new Error(`the dashboard queries what the catalog does not declare:\n${refs.problems.join('\n')}`);
  return refs.queries;
}
