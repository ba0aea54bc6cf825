import type { MetricKind } from '@sluice/telemetry/catalog';

/**
 * OpenTelemetry → Prometheus names, as the collector's `prometheus` exporter
 * writes them (the "OTLP Metric points to Prometheus" rules of the
 * OpenTelemetry specification's Prometheus compatibility document, with
 * suffixes on, UTF-8 names off — the exporter's default). Pure.
 */

/** The metric as the catalog describes it: what the Prometheus name depends on. */
export interface OtelMetricIdentity {
  readonly name: string;
  /** UCUM unit, e.g. `s`, `By`, `1`, `{request}`. */
  readonly unit: string;
  readonly kind: MetricKind;
}

// UCUM abbreviations → Prometheus base-unit words (the exporter's table).
const UNITS: Readonly<Record<string, string>> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tibibytes',
  KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams',
  Cel: 'celsius', Hz: 'hertz', '1': '', '%': 'percent',
};
const PER_UNITS: Readonly<Record<string, string>> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

/** Splits on every character Prometheus does not allow, dropping empty pieces (so runs of `_` collapse). */
function tokens(text: string): string[] {
  return text.split(/[^a-zA-Z0-9:]+/).filter((t) => t !== '');
}

/** A unit's suffix tokens: `s` → seconds, `By/s` → bytes per second, `{request}` → none (annotations are unitless). */
function unitTokens(unit: string): { main: string; per: string } {
  const [mainRaw = '', perRaw] = unit.split(/\/(.*)/s, 2);
  const main = mainRaw.trim();
  const per = perRaw?.trim() ?? '';
  const mainWord = main === '' || /[{}]/.test(main) ? '' : (UNITS[main] ?? main);
  const perWord = per === '' || /[{}]/.test(per) ? '' : (PER_UNITS[per] ?? per);
  return { main: tokens(mainWord).join('_'), per: perWord === '' ? '' : tokens(`per_${perWord}`).join('_') };
}

/**
 * The Prometheus metric name of an OpenTelemetry metric: invalid characters
 * become `_` (runs collapse), the unit is appended as words unless the name
 * already holds it (`s` → `_seconds`, `By/s` → `_bytes_per_second`, units in
 * braces dropped), monotonic counters end in `_total`, gauges with unit `1`
 * in `_ratio`, and a leading digit gets a `_` prefix. Histograms are exposed
 * as this name plus `_bucket`, `_sum` and `_count` (see {@link prometheusSeries}).
 *
 * @example prometheusMetricName({ name: 'sluice.stage.duration', unit: 's', kind: 'histogram' }) // 'sluice_stage_duration_seconds'
 * @example prometheusMetricName({ name: 'sluice.rollbacks', unit: '{rollback}', kind: 'counter' }) // 'sluice_rollbacks_total'
 */
export function prometheusMetricName(metric: OtelMetricIdentity): string {
  let parts = tokens(metric.name);
  const { main, per } = unitTokens(metric.unit);
  if (main !== '' && !parts.includes(main)) parts.push(main);
  if (per !== '' && !parts.includes(per)) parts.push(per);
  if (metric.kind === 'counter') parts = [...parts.filter((t) => t !== 'total'), 'total'];
  if (metric.unit === '1' && metric.kind === 'gauge') parts = [...parts.filter((t) => t !== 'ratio'), 'ratio'];
  const name = parts.join('_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** The series a metric is scraped as: `_bucket`, `_sum` and `_count` of a histogram, the name itself otherwise. */
export function prometheusSeries(metric: OtelMetricIdentity): readonly string[] {
  const name = prometheusMetricName(metric);
  return metric.kind === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

/**
 * The Prometheus label name of an attribute key: every character other than
 * a letter, digit or `_` becomes `_`; a key starting with a digit gets a
 * `key_` prefix, one starting with a single `_` a `key` prefix.
 *
 * @example prometheusLabelName('cicd.pipeline.task.name') // 'cicd_pipeline_task_name'
 */
export function prometheusLabelName(key: string): string {
  if (key === '') return key;
  const label = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (/^[0-9]/.test(label)) return `key_${label}`;
  if (label.startsWith('_') && !label.startsWith('__')) return `key${label}`;
  return label;
}
