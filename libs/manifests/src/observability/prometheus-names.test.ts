import { METRICS } from '@sluice/telemetry/catalog';
import { describe, expect, it } from 'vitest';
import { prometheusLabelName, prometheusMetricName, prometheusSeries, type OtelMetricIdentity } from './prometheus-names.js';

describe('prometheusMetricName', () => {
  // Examples from the OpenTelemetry spec's Prometheus compatibility rules and
  // the translator's published test table (prometheus/otlptranslator).
  it.each<[OtelMetricIdentity, string]>([
    [{ name: 'http.server.duration', unit: 's', kind: 'histogram' }, 'http_server_duration_seconds'],
    [{ name: 'http.request.duration', unit: 'ms', kind: 'histogram' }, 'http_request_duration_milliseconds'],
    [{ name: 'requests', unit: '', kind: 'counter' }, 'requests_total'],
    [{ name: 'http.requests', unit: '1', kind: 'counter' }, 'http_requests_total'],
    [{ name: 'requests_total', unit: '', kind: 'counter' }, 'requests_total'],
    [{ name: 'cpu_usage', unit: '1', kind: 'gauge' }, 'cpu_usage_ratio'],
    [{ name: 'cpu_usage_ratio', unit: '1', kind: 'gauge' }, 'cpu_usage_ratio'],
    [{ name: 'memory_usage', unit: 'By', kind: 'gauge' }, 'memory_usage_bytes'],
    [{ name: 'throughput', unit: 'By/s', kind: 'gauge' }, 'throughput_bytes_per_second'],
    [{ name: 'requests', unit: '1/s', kind: 'gauge' }, 'requests_per_second'],
    [{ name: 'custom_metric', unit: '{custom}', kind: 'gauge' }, 'custom_metric'],
    [{ name: 'custom_metric', unit: 'By/{custom}', kind: 'gauge' }, 'custom_metric_bytes'],
    [{ name: 'custom_metric', unit: 'custom_unit', kind: 'gauge' }, 'custom_metric_custom_unit'],
    [{ name: 'response_time_seconds', unit: 's', kind: 'gauge' }, 'response_time_seconds'],
    [{ name: 'cpu_seconds_total', unit: 's', kind: 'counter' }, 'cpu_seconds_total'],
    [{ name: 'active_connections', unit: '', kind: 'updowncounter' }, 'active_connections'],
    [{ name: 'metric@@##$$name', unit: '', kind: 'gauge' }, 'metric_name'],
    [{ name: '123metric', unit: '', kind: 'gauge' }, '_123metric'],
    [{ name: 'metric__with__multiple__underscores', unit: 'unit__multiple__underscores', kind: 'gauge' }, 'metric_with_multiple_underscores_unit_multiple_underscores'],
    [{ name: 'custom_metric', unit: 'unit@with#special/chars', kind: 'gauge' }, 'custom_metric_unit_with_special_per_chars'],
    [{ name: 'metric', unit: ' By / s ', kind: 'gauge' }, 'metric_bytes_per_second'],
    [{ name: 'metric', unit: 'By/', kind: 'gauge' }, 'metric_bytes'],
    [{ name: 'uptime', unit: 'd', kind: 'gauge' }, 'uptime_days'],
    [{ name: 'cache_size', unit: 'KiBy', kind: 'gauge' }, 'cache_size_kibibytes'],
    [{ name: 'temperature', unit: 'Cel', kind: 'gauge' }, 'temperature_celsius'],
    [{ name: 'cpu_usage', unit: '%', kind: 'gauge' }, 'cpu_usage_percent'],
  ])('%o → %s', (metric, expected) => {
    expect(prometheusMetricName(metric)).toBe(expected);
  });

  it('names every Sluice metric the way Prometheus users will query it', () => {
    const names = Object.fromEntries(Object.values(METRICS).map((m) => [m.name, prometheusMetricName(m)]));
    expect(names).toEqual({
      'sluice.delivery.duration': 'sluice_delivery_duration_seconds',
      'sluice.stage.duration': 'sluice_stage_duration_seconds',
      'sluice.delivery.lead_time': 'sluice_delivery_lead_time_seconds',
      'sluice.rollbacks': 'sluice_rollbacks_total',
      'sluice.webhook.rejections': 'sluice_webhook_rejections_total',
      'sluice.webhook.requests': 'sluice_webhook_requests_total',
      'sluice.webhook.duration': 'sluice_webhook_duration_seconds',
      'sluice.queue.depth': 'sluice_queue_depth',
      'sluice.gitlab.errors': 'sluice_gitlab_errors_total',
      'sluice.deliveries.deleted': 'sluice_deliveries_deleted_total',
    });
  });
});

describe('prometheusSeries', () => {
  it('exposes a histogram as _bucket, _sum and _count, anything else under its name', () => {
    expect(prometheusSeries(METRICS.stageDuration)).toEqual(['sluice_stage_duration_seconds_bucket', 'sluice_stage_duration_seconds_sum', 'sluice_stage_duration_seconds_count']);
    expect(prometheusSeries(METRICS.rollbacks)).toEqual(['sluice_rollbacks_total']);
    expect(prometheusSeries(METRICS.queueDepth)).toEqual(['sluice_queue_depth']);
  });
});

describe('prometheusLabelName', () => {
  it.each([
    ['cicd.pipeline.task.name', 'cicd_pipeline_task_name'],
    ['http.response.status_code', 'http_response_status_code'],
    ['error.type', 'error_type'],
    ['123invalid', 'key_123invalid'],
    ['_private', 'key_private'],
    ['__reserved__', '__reserved__'],
    ['label@with$special', 'label_with_special'],
  ])('%s → %s', (key, expected) => {
    expect(prometheusLabelName(key)).toBe(expected);
  });
});
