import { describe, expect, it } from 'vitest';
import { promqlRefs } from './promql-refs.js';

describe('promqlRefs', () => {
  it('finds the metric and every label of a quantile over a histogram', () => {
    const refs = promqlRefs('histogram_quantile(0.95, sum by (le, deployment_environment_name) (rate(sluice_delivery_lead_time_seconds_bucket{cicd_pipeline_name=~"$application"}[$__rate_interval])))');
    expect(refs.metrics).toEqual(['sluice_delivery_lead_time_seconds_bucket']);
    expect(refs.labels).toEqual(['le', 'deployment_environment_name', 'cicd_pipeline_name']);
    expect(refs.matchers).toEqual([{ label: 'cicd_pipeline_name', op: '=~', value: '$application' }]);
  });

  it('reads both sides of a ratio, keeping each matcher', () => {
    const refs = promqlRefs('sum(increase(a_count{r="success"}[1d])) / sum(increase(b_count{r=~"success|failure", app!="x"}[1d]))');
    expect(refs.metrics).toEqual(['a_count', 'b_count']);
    expect(refs.labels).toEqual(['r', 'app']);
    expect(refs.matchers.map((m) => `${m.label}${m.op}${m.value}`)).toEqual(['r=success', 'r=~success|failure', 'app!=x']);
  });

  it('does not mistake functions, aggregations, keywords, durations or strings for metrics', () => {
    const refs = promqlRefs('sum without (instance) (rate(x_total{a="sum by (b)"}[5m] offset 1h)) > on (job) group_left (c) max(y) or vector(0)');
    expect(refs.metrics).toEqual(['x_total', 'y']);
    expect(refs.labels).toEqual(['instance', 'a', 'job', 'c']);
  });

  it('reads a bare metric and a gauge sum', () => {
    expect(promqlRefs('sluice_queue_depth').metrics).toEqual(['sluice_queue_depth']);
    expect(promqlRefs('sum by (sluice_queue) (sluice_queue_depth)')).toMatchObject({ metrics: ['sluice_queue_depth'], labels: ['sluice_queue'] });
  });

  it("reads Grafana's label_values() variable query", () => {
    expect(promqlRefs('label_values(sluice_delivery_duration_seconds_count, cicd_pipeline_name)')).toMatchObject({
      metrics: ['sluice_delivery_duration_seconds_count'],
      labels: ['cicd_pipeline_name'],
    });
    expect(promqlRefs('label_values(m{a="b"}, c)')).toMatchObject({ metrics: ['m'], labels: ['a', 'c'] });
  });

  it('refuses what it cannot read instead of guessing', () => {
    expect(() => promqlRefs('x{a="b"')).toThrow(/label matchers/);
    expect(() => promqlRefs('{__name__="x"}')).toThrow(/without a metric name/);
    expect(() => promqlRefs('x{a="b}')).toThrow(/unterminated string/);
  });
});
