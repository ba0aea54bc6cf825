/**
 * Grafana dashboard JSON model building blocks: panels, rows, variables and
 * a grid layout. Plain data, no Sluice knowledge; `dashboard.ts` composes
 * them. Datasources are template variables (`${DS_PROMETHEUS}`,
 * `${DS_TEMPO}`), so the same JSON works when imported by hand and when
 * provisioned from a ConfigMap (where an `__inputs` prompt would never run).
 */

/** Datasource template variable names the panels refer to. */
export const DS_PROMETHEUS = 'DS_PROMETHEUS';
export const DS_TEMPO = 'DS_TEMPO';

export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

/** One panel before layout: the grid position is assigned by {@link layout}. */
export interface PanelSpec {
  readonly width: number;
  readonly height: number;
  readonly panel: JsonObject;
}

const prometheus = { type: 'prometheus', uid: `\${${DS_PROMETHEUS}}` } as const;
const tempo = { type: 'tempo', uid: `\${${DS_TEMPO}}` } as const;

/** A PromQL query of a panel. */
export interface PromTarget {
  readonly expr: string;
  /** Legend, e.g. `p95 {{deployment_environment_name}}`. */
  readonly legend?: string;
}

function promTargets(targets: readonly PromTarget[], instant: boolean): Json[] {
  return targets.map((t, i) => ({
    datasource: prometheus,
    editorMode: 'code',
    expr: t.expr,
    instant,
    legendFormat: t.legend ?? '__auto',
    range: !instant,
    refId: String.fromCharCode(65 + i),
  }));
}

interface PanelCommon {
  readonly title: string;
  readonly description: string;
  /** Grafana unit id: `s`, `percentunit`, `short`, `reqps`. */
  readonly unit: string;
  readonly width: number;
  readonly height?: number;
}

/** A time series panel; `bars` draws stacked bars (counts per window) instead of lines. */
export function timeseries(p: PanelCommon & { readonly targets: readonly PromTarget[]; readonly bars?: boolean; readonly max?: number }): PanelSpec {
  const custom: JsonObject = p.bars
    ? { drawStyle: 'bars', fillOpacity: 80, lineWidth: 1, stacking: { group: 'A', mode: 'normal' } }
    : { drawStyle: 'line', fillOpacity: 10, lineWidth: 1, showPoints: 'never', spanNulls: true, stacking: { group: 'A', mode: 'none' } };
  return {
    width: p.width,
    height: p.height ?? 8,
    panel: {
      datasource: prometheus,
      description: p.description,
      fieldConfig: { defaults: { custom, unit: p.unit, min: 0, ...(p.max !== undefined && { max: p.max }) }, overrides: [] },
      options: { legend: { calcs: [], displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
      targets: promTargets(p.targets, false),
      title: p.title,
      type: 'timeseries',
    },
  };
}

/** One number over the selected time range, coloured by `thresholds` (ascending `[value, color]` steps after the base color). */
export function stat(p: PanelCommon & { readonly target: PromTarget; readonly baseColor?: string; readonly thresholds?: readonly (readonly [number, string])[] }): PanelSpec {
  const steps = [{ color: p.baseColor ?? 'text', value: null }, ...(p.thresholds ?? []).map(([value, color]) => ({ color, value }))];
  return {
    width: p.width,
    height: p.height ?? 4,
    panel: {
      datasource: prometheus,
      description: p.description,
      fieldConfig: { defaults: { color: { mode: 'thresholds' }, ...(p.unit === 'percentunit' && { decimals: 1 }), thresholds: { mode: 'absolute', steps }, unit: p.unit }, overrides: [] },
      options: {
        colorMode: 'value',
        graphMode: 'none',
        justifyMode: 'auto',
        orientation: 'auto',
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        textMode: 'auto',
      },
      targets: promTargets([p.target], true),
      title: p.title,
      type: 'stat',
    },
  };
}

/** Horizontal bars, one per series (e.g. per failure reason), over the selected time range. */
export function barGauge(p: PanelCommon & { readonly target: PromTarget }): PanelSpec {
  return {
    width: p.width,
    height: p.height ?? 8,
    panel: {
      datasource: prometheus,
      description: p.description,
      fieldConfig: { defaults: { color: { mode: 'palette-classic' }, min: 0, unit: p.unit }, overrides: [] },
      options: {
        displayMode: 'basic',
        minVizHeight: 16,
        orientation: 'horizontal',
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        showUnfilled: true,
        valueMode: 'color',
      },
      targets: promTargets([p.target], true),
      title: p.title,
      type: 'bargauge',
    },
  };
}

/** A table of traces found by a TraceQL search in Tempo. */
export function traceSearch(p: Omit<PanelCommon, 'unit'> & { readonly query: string; readonly limit?: number }): PanelSpec {
  return {
    width: p.width,
    height: p.height ?? 10,
    panel: {
      datasource: tempo,
      description: p.description,
      fieldConfig: { defaults: {}, overrides: [] },
      options: { cellHeight: 'sm', showHeader: true },
      targets: [{ datasource: tempo, limit: p.limit ?? 20, query: p.query, queryType: 'traceql', refId: 'A', tableType: 'traces' }],
      title: p.title,
      type: 'table',
    },
  };
}

/** A full-width row header. */
export function row(title: string): PanelSpec {
  return { width: 24, height: 1, panel: { collapsed: false, panels: [], title, type: 'row' } };
}

/**
 * Assigns ids and grid positions: panels flow left to right on Grafana's
 * 24-column grid, wrapping to a new line when one does not fit; a row always
 * starts a new line.
 */
export function layout(specs: readonly PanelSpec[]): JsonObject[] {
  const out: JsonObject[] = [];
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  specs.forEach((s, i) => {
    if (s.width < 1 || s.width > 24) throw new Error(`panel "${String(s.panel['title'])}" is ${s.width} columns wide; use 1 to 24`);
    if (x + s.width > 24 || (s.panel['type'] === 'row' && x > 0)) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    out.push({ ...s.panel, gridPos: { h: s.height, w: s.width, x, y }, id: i + 1 });
    x += s.width;
    lineHeight = Math.max(lineHeight, s.height);
  });
  return out;
}

/** A datasource picker variable (`type` is the plugin id: `prometheus`, `tempo`). */
export function datasourceVariable(name: string, label: string, type: string): JsonObject {
  return { current: {}, hide: 0, includeAll: false, label, multi: false, name, options: [], query: type, refresh: 1, regex: '', type: 'datasource' };
}

/** A multi-select variable whose values are a label's values in Prometheus (`label_values(metric, label)`), "All" meaning `.*`. */
export function labelValuesVariable(name: string, label: string, query: string): JsonObject {
  return {
    allValue: '.*',
    current: {},
    datasource: prometheus,
    definition: query,
    hide: 0,
    includeAll: true,
    label,
    multi: true,
    name,
    options: [],
    query: { qryType: 1, query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    refresh: 2,
    regex: '',
    sort: 1,
    type: 'query',
  };
}

/** A window-length picker, e.g. for `increase(x[$window])` in trend panels. */
export function intervalVariable(name: string, label: string, values: readonly string[], selected: string): JsonObject {
  return {
    auto: false,
    current: { selected: true, text: selected, value: selected },
    hide: 0,
    label,
    name,
    options: values.map((v) => ({ selected: v === selected, text: v, value: v })),
    query: values.join(','),
    refresh: 2,
    type: 'interval',
  };
}
