import { ATTR, METRICS, pipelineResult, taskName, type MetricSpec } from '@sluice/telemetry/catalog';
import { DS_PROMETHEUS, DS_TEMPO, barGauge, datasourceVariable, intervalVariable, labelValuesVariable, layout, row, stat, timeseries, traceSearch, type JsonObject, type PanelSpec } from './grafana.js';
import { increase, level, quantile, rate, regex, selector, type Where } from './promql.js';
import { prometheusLabelName } from './prometheus-names.js';

/** The dashboard's stable identity: links and provisioning refer to it. */
export const DASHBOARD_UID = 'sluice-delivery';

export interface SluiceDashboardProps {
  /** @default 'Sluice — delivery' */
  readonly title?: string;
  /** @default DASHBOARD_UID */
  readonly uid?: string;
  /** The metric catalog the queries are built from. @default METRICS from @sluice/telemetry */
  readonly metrics?: MetricCatalog;
}

/** The shape of `@sluice/telemetry`'s `METRICS`. */
export type MetricCatalog = { readonly [K in keyof typeof METRICS]: MetricSpec };

// Values the services record, taken from @sluice/telemetry so a change there changes the queries.
const SUCCESS = pipelineResult('Live') ?? 'success';
const FAILURE = pipelineResult('Failed') ?? 'failure';
const BUILD = taskName({ name: 'build' });
const TEST = taskName({ name: 'test' });
const DEPLOY_ANY = `${taskName({ name: 'deploy', environment: 'production' }).replace(/production$/, '')}.+`;

const APP = { [ATTR.pipelineName]: regex('$application') };
const RANGE = '$__range';
const WINDOW = '$window';
const RATE = '$__rate_interval';

function percentiles(title: string, description: string, spec: MetricSpec, where: Where, by: readonly string[], window: string, width: number): PanelSpec {
  const legend = by.length > 0 ? ` ${by.map((k) => `{{${prometheusLabelName(k)}}}`).join(' ')}` : '';
  return timeseries({
    title,
    description,
    unit: 's',
    width,
    targets: [0.5, 0.95].map((q) => ({ expr: quantile(q, spec, { where, by, window }), legend: `p${q * 100}${legend}` })),
  });
}

/** Deliveries that succeeded among those that succeeded or failed (canceled and superseded ones are left out: nothing failed). */
function successRatio(d: MetricSpec, window: string): string {
  return `${increase(d, { where: { ...APP, [ATTR.pipelineResult]: SUCCESS }, window })} / ${increase(d, { where: { ...APP, [ATTR.pipelineResult]: regex(`${SUCCESS}|${FAILURE}`) }, window })}`;
}

function panels(m: MetricCatalog): PanelSpec[] {
  const d = m.deliveryDuration;
  const s = m.stageDuration;
  return [
    row('Delivery (selected time range)'),
    stat({ title: 'Lead time p50', description: 'Push webhook received → revision serving traffic, median over the selected range (all environments).', unit: 's', width: 5, target: { expr: quantile(0.5, m.leadTime, { where: APP, window: RANGE }) } }),
    stat({ title: 'Lead time p95', description: 'Push webhook received → revision serving traffic, 95th percentile over the selected range.', unit: 's', width: 5, target: { expr: quantile(0.95, m.leadTime, { where: APP, window: RANGE }) } }),
    stat({
      title: 'Success rate',
      description: 'Deliveries that went live (or passed, where nothing deploys) among those that ended in success or failure. Superseded and canceled deliveries are left out: a newer push replaced them, nothing failed.',
      unit: 'percentunit',
      width: 5,
      baseColor: 'red',
      thresholds: [[0.8, 'orange'], [0.95, 'green']],
      target: { expr: successRatio(d, RANGE) },
    }),
    stat({ title: 'Deliveries', description: 'Deliveries that reached a final phase in the selected range.', unit: 'short', width: 5, target: { expr: increase(d, { where: APP, window: RANGE }) } }),
    stat({ title: 'Rollbacks', description: 'Times traffic was switched back to the previous revision, automatic and manual.', unit: 'short', width: 4, baseColor: 'green', thresholds: [[1, 'orange']], target: { expr: increase(m.rollbacks, { where: APP, window: RANGE }) } }),
    row('Delivery trends'),
    percentiles('Lead time by environment', 'Push → serving traffic per environment, p50 and p95 over the trend window.', m.leadTime, APP, [ATTR.environment], WINDOW, 12),
    timeseries({ title: 'Success rate over time', description: 'Success rate over the trend window (success / (success + failure)).', unit: 'percentunit', width: 12, max: 1, targets: [{ expr: successRatio(d, WINDOW), legend: 'success rate' }] }),
    timeseries({ title: 'Deliveries by result', description: 'Deliveries ending per trend window, by cicd.pipeline.result (success, failure, cancellation).', unit: 'short', width: 8, bars: true, targets: [{ expr: increase(d, { where: APP, by: [ATTR.pipelineResult], window: WINDOW }), legend: `{{${prometheusLabelName(ATTR.pipelineResult)}}}` }] }),
    barGauge({ title: 'Failure reasons', description: 'Failed deliveries in the selected range by error.type (the closed set of failure reasons; RolledBack for a deploy switched back).', unit: 'short', width: 8, target: { expr: increase(d, { where: { ...APP, [ATTR.pipelineResult]: FAILURE }, by: [ATTR.errorType], window: RANGE }), legend: `{{${prometheusLabelName(ATTR.errorType)}}}` } }),
    timeseries({
      title: 'Rollbacks by environment and trigger',
      description: 'Rollbacks per trend window, by environment and trigger (automatic after an unhealthy bake, or manual).',
      unit: 'short',
      width: 8,
      bars: true,
      targets: [{ expr: increase(m.rollbacks, { where: APP, by: [ATTR.environment, ATTR.rollbackTrigger], window: WINDOW }), legend: `{{${prometheusLabelName(ATTR.environment)}}} {{${prometheusLabelName(ATTR.rollbackTrigger)}}}` }],
    }),
    row('Stages'),
    percentiles('Build time', `Duration of the build stage (${ATTR.taskName}="${BUILD}"), p50 and p95.`, s, { ...APP, [ATTR.taskName]: BUILD }, [], WINDOW, 8),
    percentiles('Test time', `Duration of the test stage (${ATTR.taskName}="${TEST}"), p50 and p95.`, s, { ...APP, [ATTR.taskName]: TEST }, [], WINDOW, 8),
    percentiles('Deploy time by environment', 'Duration of each environment\'s deploy stage (rollout, checks, bake), p50 and p95.', s, { ...APP, [ATTR.taskName]: regex(DEPLOY_ANY) }, [ATTR.taskName], WINDOW, 8),
    barGauge({
      title: 'Stage failures by reason',
      description: 'Failed stages in the selected range, by stage and error.type.',
      unit: 'short',
      width: 24,
      height: 6,
      target: { expr: increase(s, { where: { ...APP, [ATTR.taskResult]: FAILURE }, by: [ATTR.taskName, ATTR.errorType], window: RANGE }), legend: `{{${prometheusLabelName(ATTR.taskName)}}} {{${prometheusLabelName(ATTR.errorType)}}}` },
    }),
    row('Sluice services'),
    timeseries({ title: 'Webhooks by outcome', description: 'Webhook requests per second, by outcome (accepted, duplicate, ignored, rejected, error).', unit: 'reqps', width: 8, targets: [{ expr: rate(m.webhookRequests, { by: [ATTR.webhookOutcome], window: RATE }), legend: `{{${prometheusLabelName(ATTR.webhookOutcome)}}}` }] }),
    timeseries({ title: 'Webhook rejections by reason', description: 'Webhook requests refused before any Delivery was considered, per second, by error.type (bad_token, bad_signature, replay, …).', unit: 'reqps', width: 8, targets: [{ expr: rate(m.webhookRejections, { by: [ATTR.errorType], window: RATE }), legend: `{{${prometheusLabelName(ATTR.errorType)}}}` }] }),
    percentiles('Webhook answer time', 'Time to answer a webhook, p50 and p95.', m.webhookDuration, {}, [], RATE, 8),
    timeseries({ title: 'Queue depth', description: 'Work waiting: test (Deliveries waiting for a Job slot), deploy (waiting for their environment), notify (GitLab posts not yet made).', unit: 'short', width: 8, targets: [{ expr: level(m.queueDepth, { by: [ATTR.queue] }), legend: `{{${prometheusLabelName(ATTR.queue)}}}` }] }),
    timeseries({
      title: 'GitLab API errors',
      description: 'GitLab API requests that failed per trend window, by operation, HTTP status (absent when no answer came) and error.type.',
      unit: 'short',
      width: 8,
      bars: true,
      targets: [{ expr: increase(m.gitlabErrors, { by: [ATTR.gitlabOperation, ATTR.httpStatus, ATTR.errorType], window: WINDOW }), legend: [ATTR.gitlabOperation, ATTR.httpStatus, ATTR.errorType].map((k) => `{{${prometheusLabelName(k)}}}`).join(' ') }],
    }),
    timeseries({ title: 'Deliveries deleted (retention)', description: 'Finished Deliveries the notifier deleted per trend window under their Application\'s spec.history.keepFinished, by Application.', unit: 'short', width: 8, bars: true, targets: [{ expr: increase(m.deliveriesDeleted, { where: APP, by: [ATTR.pipelineName], window: WINDOW }), legend: `{{${prometheusLabelName(ATTR.pipelineName)}}}` }] }),
    row('Traces (Tempo)'),
    traceSearch({ title: 'Failed deliveries', description: 'Delivery traces with a span that failed (error.type set): open one to see where the time went and what failed.', width: 12, query: `{ span.${ATTR.pipelineName} =~ "\${application:regex}" && span.${ATTR.errorType} != nil }` }),
    traceSearch({ title: 'Recent deliveries', description: 'One trace per commit, from the push webhook to live.', width: 12, query: `{ span.${ATTR.pipelineName} =~ "\${application:regex}" && span.${ATTR.pipelineRunId} != nil }` }),
  ];
}

/**
 * Sluice's Grafana dashboard (JSON model): lead time, success rate, failure
 * reasons, rollbacks, build/test/deploy time, webhook, queue and GitLab
 * health from Prometheus, and recent and failed delivery traces from Tempo.
 * Every PromQL query is built from `@sluice/telemetry`'s catalog through the
 * OpenTelemetry → Prometheus name translation, so it queries exactly what
 * the services export through the collector's `prometheus` exporter.
 */
export function sluiceDashboard(props: SluiceDashboardProps = {}): JsonObject {
  const metrics = props.metrics ?? METRICS;
  const variableQuery = `label_values(${selector(metrics.deliveryDuration, {}, 'count')}, ${prometheusLabelName(ATTR.pipelineName)})`;
  return {
    annotations: { list: [{ builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' }] },
    description: 'Sluice push-to-deploy: delivery lead time, success rate, failure reasons, rollbacks, stage durations and service health (Prometheus), and delivery traces (Tempo).',
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    links: [],
    panels: layout(panels(metrics)),
    refresh: '1m',
    schemaVersion: 39,
    tags: ['sluice', 'cicd', 'opentelemetry'],
    templating: {
      list: [
        datasourceVariable(DS_PROMETHEUS, 'Prometheus', 'prometheus'),
        datasourceVariable(DS_TEMPO, 'Tempo', 'tempo'),
        labelValuesVariable('application', 'Application', variableQuery),
        intervalVariable('window', 'Trend window', ['1h', '6h', '1d', '7d'], '1d'),
      ],
    },
    time: { from: 'now-7d', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    title: props.title ?? 'Sluice — delivery',
    uid: props.uid ?? DASHBOARD_UID,
    version: 1,
  };
}
