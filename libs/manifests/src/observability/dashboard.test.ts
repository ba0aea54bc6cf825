import { ATTR, METRICS } from '@sluice/telemetry/catalog';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_UID, sluiceDashboard } from './dashboard.js';
import { PIPELINE_LABELS, dashboardQueries, dashboardReferences } from './dashboard-refs.js';
import { DS_PROMETHEUS, DS_TEMPO, type JsonObject } from './grafana.js';
import { prometheusLabelName, prometheusSeries } from './prometheus-names.js';
import { promqlRefs } from './promql-refs.js';

type Panel = { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; datasource?: { type: string; uid: string }; targets?: { expr?: string; query?: string; datasource: { type: string; uid: string } }[] };

const dashboard = sluiceDashboard();
const panels = dashboard['panels'] as unknown as Panel[];
const exprs = panels.flatMap((p) => (p.targets ?? []).flatMap((t) => (t.expr ? [{ panel: p.title, expr: t.expr }] : [])));
const byTitle = (title: string) => panels.find((p) => p.title === title);

describe('every metric and attribute the dashboard queries is in the catalog', () => {
  // Independent of dashboardReferences: every PromQL expression is parsed
  // here and each name checked against the catalog translated to Prometheus.
  const series = new Map(Object.values(METRICS).flatMap((m) => prometheusSeries(m).map((s) => [s, m] as const)));

  it('parses every PromQL expression of every panel', () => {
    expect(exprs.length).toBeGreaterThan(20);
    for (const { expr } of exprs) expect(() => promqlRefs(expr)).not.toThrow();
  });

  it.each(exprs)('$panel: $expr', ({ expr }) => {
    const refs = promqlRefs(expr);
    expect(refs.metrics.length).toBeGreaterThan(0);
    for (const name of refs.metrics) {
      const spec = series.get(name);
      expect(spec, `${name} is not a catalog metric under its Prometheus name`).toBeDefined();
      const allowed = new Set([...spec!.attributes.map(prometheusLabelName), ...PIPELINE_LABELS, ...(name.endsWith('_bucket') ? ['le'] : [])]);
      for (const label of refs.labels) expect(allowed, `${label} on ${name}`).toContain(label);
    }
  });

  it('reports nothing the catalog does not declare, for panels and the $application variable alike', () => {
    const refs = dashboardReferences(dashboard);
    expect(refs.problems).toEqual([]);
    expect(refs.queries.some((q) => q.panel === 'variable application' && q.metric === METRICS.deliveryDuration.name)).toBe(true);
  });

  it('searches traces only by span attributes Sluice records', () => {
    const { traceQueries } = dashboardReferences(dashboard);
    expect(traceQueries.map((q) => q.panel)).toEqual(['Failed deliveries', 'Recent deliveries']);
    for (const q of traceQueries) expect(Object.values(ATTR)).toEqual(expect.arrayContaining([...q.attributes]));
    expect(traceQueries.flatMap((q) => q.attributes)).toContain(ATTR.errorType);
  });

  it('catches a query on an undeclared metric, an undeclared attribute and a stray bucket label', () => {
    const broken = structuredClone(dashboard) as { panels: Panel[] };
    const first = broken.panels.find((p) => p.type === 'stat')!;
    first.targets = [
      { datasource: { type: 'prometheus', uid: `\${${DS_PROMETHEUS}}` }, expr: 'sum(sluice_delivery_total)' },
      { datasource: { type: 'prometheus', uid: `\${${DS_PROMETHEUS}}` }, expr: 'sum by (vcs_ref_head_name) (sluice_rollbacks_total)' },
      { datasource: { type: 'prometheus', uid: `\${${DS_PROMETHEUS}}` }, expr: 'sum by (le) (sluice_rollbacks_total)' },
    ];
    const { problems } = dashboardReferences(broken as unknown as JsonObject);
    expect(problems).toEqual([
      expect.stringMatching(/metric "sluice_delivery_total" is not in the catalog/),
      expect.stringMatching(/label "vcs_ref_head_name" is not an attribute of sluice\.rollbacks/),
      expect.stringMatching(/label "le" is not an attribute of sluice\.rollbacks/),
    ]);
  });

  it('follows a rename in the catalog: the queries change with it', () => {
    const renamed = sluiceDashboard({ metrics: { ...METRICS, rollbacks: { ...METRICS.rollbacks, name: 'sluice.deploy.rollbacks' } } });
    const text = JSON.stringify(renamed);
    expect(text).toContain('sluice_deploy_rollbacks_total');
    expect(text).not.toContain('sluice_rollbacks_total');
  });
});

describe('dashboardQueries (for the end-to-end test against real exports)', () => {
  it('lists each catalog metric a query needs with its attributes and literal values', () => {
    const queries = dashboardQueries();
    const build = queries.find((q) => q.panel === 'Build time')!;
    expect(build).toMatchObject({ metric: METRICS.stageDuration.name, values: { [ATTR.taskName]: 'build' } });
    expect(build.attributes).toEqual(expect.arrayContaining([ATTR.pipelineName, ATTR.taskName]));
    const reasons = queries.find((q) => q.panel === 'Failure reasons')!;
    expect(reasons).toMatchObject({ metric: METRICS.deliveryDuration.name, values: { [ATTR.pipelineResult]: 'failure' } });
    expect(reasons.attributes).toContain(ATTR.errorType);
  });

  it('covers every metric in the catalog', () => {
    expect(new Set(dashboardQueries().map((q) => q.metric))).toEqual(new Set(Object.values(METRICS).map((m) => m.name)));
  });
});

describe('what the dashboard shows', () => {
  const exprOf = (title: string) => (byTitle(title)?.targets ?? []).map((t) => t.expr ?? t.query ?? '');

  it('has lead time p50/p95, success rate, failure reasons, build and test time p50/p95, rollbacks by environment and trigger', () => {
    expect(exprOf('Lead time p50')[0]).toMatch(/^histogram_quantile\(0\.5, sum by \(le\) \(rate\(sluice_delivery_lead_time_seconds_bucket/);
    expect(exprOf('Lead time p95')[0]).toMatch(/^histogram_quantile\(0\.95,/);
    expect(exprOf('Success rate')[0]).toMatch(/cicd_pipeline_result="success".*\/.*cicd_pipeline_result=~"success\|failure"/);
    expect(exprOf('Failure reasons')[0]).toMatch(/^sum by \(error_type\) \(increase\(sluice_delivery_duration_seconds_count\{.*cicd_pipeline_result="failure"/);
    expect(exprOf('Build time')).toEqual([expect.stringMatching(/^histogram_quantile\(0\.5, .*cicd_pipeline_task_name="build"/), expect.stringMatching(/^histogram_quantile\(0\.95, .*cicd_pipeline_task_name="build"/)]);
    expect(exprOf('Test time')[1]).toMatch(/cicd_pipeline_task_name="test"/);
    expect(exprOf('Rollbacks by environment and trigger')[0]).toMatch(/^sum by \(deployment_environment_name, sluice_rollback_trigger\) \(increase\(sluice_rollbacks_total/);
    expect(exprOf('Webhook rejections by reason')[0]).toMatch(/sum by \(error_type\) \(rate\(sluice_webhook_rejections_total/);
    expect(exprOf('Queue depth')[0]).toBe('sum by (sluice_queue) (sluice_queue_depth)');
    expect(exprOf('GitLab API errors')[0]).toMatch(/sluice_gitlab_errors_total/);
  });

  it('filters every delivery panel by the $application variable, whose values come from the catalog', () => {
    for (const { panel, expr } of exprs.filter((e) => /^(Lead|Success|Deliver|Failure|Rollback|Build|Test|Deploy|Stage)/.test(e.panel))) {
      expect(expr, panel).toContain('cicd_pipeline_name=~"$application"');
    }
    const variables = (dashboard['templating'] as { list: { name: string; type: string; definition?: string; query: unknown }[] }).list;
    expect(variables.find((v) => v.name === 'application')?.definition).toBe('label_values(sluice_delivery_duration_seconds_count, cicd_pipeline_name)');
  });

  it('finds failed delivery traces in Tempo by error.type', () => {
    const failed = byTitle('Failed deliveries')!;
    expect(failed.datasource).toEqual({ type: 'tempo', uid: `\${${DS_TEMPO}}` });
    expect(failed.targets![0]).toMatchObject({ queryType: 'traceql', query: expect.stringContaining('span.error.type != nil') });
  });

  it('reads its datasources from picker variables, so it works imported by hand and provisioned from a ConfigMap', () => {
    const variables = (dashboard['templating'] as { list: { name: string; type: string; query: unknown }[] }).list;
    expect(variables.filter((v) => v.type === 'datasource').map((v) => [v.name, v.query])).toEqual([[DS_PROMETHEUS, 'prometheus'], [DS_TEMPO, 'tempo']]);
    expect(dashboard['__inputs']).toBeUndefined();
    for (const p of panels.filter((x) => x.type !== 'row')) {
      expect([`\${${DS_PROMETHEUS}}`, `\${${DS_TEMPO}}`], p.title).toContain(p.datasource?.uid);
      for (const t of p.targets ?? []) expect(t.datasource, p.title).toEqual(p.datasource);
    }
  });

  it('lays panels out on the 24-column grid with unique ids and no overlaps', () => {
    expect(dashboard).toMatchObject({ uid: DASHBOARD_UID, schemaVersion: 39 });
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
    for (const a of panels) {
      for (const b of panels) {
        if (a === b) continue;
        const overlap = a.gridPos.x < b.gridPos.x + b.gridPos.w && b.gridPos.x < a.gridPos.x + a.gridPos.w && a.gridPos.y < b.gridPos.y + b.gridPos.h && b.gridPos.y < a.gridPos.y + a.gridPos.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it('is deterministic: the same catalog gives the same JSON', () => {
    expect(JSON.stringify(sluiceDashboard())).toBe(JSON.stringify(dashboard));
  });
});
