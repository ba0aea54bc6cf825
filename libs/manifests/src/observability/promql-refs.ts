/**
 * What a PromQL expression (or a Grafana `label_values(...)` variable query)
 * refers to: metric names, and label names in matchers and in
 * `by`/`without`/`on`/`ignoring`/`group_*` lists. A reader for the queries
 * Sluice's dashboard is built from, not a full PromQL parser: it knows
 * enough of the grammar (strings, range and subquery brackets, function
 * calls, aggregation keywords) to tell a metric name from everything else.
 */

/** One label matcher, e.g. `cicd_pipeline_result="success"`. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** The metrics and labels one expression refers to. */
export interface PromqlRefs {
  /** Metric names, in order of first use. */
  readonly metrics: readonly string[];
  /** Every label name used in a matcher or a grouping list, in order of first use. */
  readonly labels: readonly string[];
  /** The matchers inside `{…}` selectors, in order. */
  readonly matchers: readonly LabelMatcher[];
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'atan2', 'inf', 'nan']);
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);

type Token = { kind: 'ident'; text: string } | { kind: 'string'; text: string } | { kind: 'punct'; text: string };

/** Splits an expression into identifiers, string literals and punctuation; numbers, durations and brackets' contents are dropped. */
function tokenize(expr: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let text = '';
      while (j < expr.length && expr[j] !== c) {
        if (expr[j] === '\\' && c !== '`') j++;
        text += expr[j] ?? '';
        j++;
      }
      if (j >= expr.length) throw new Error(`unterminated string in PromQL: ${expr}`);
      out.push({ kind: 'string', text });
      i = j + 1;
    } else if (c === '[') {
      // A range or subquery (`[5m]`, `[$__rate_interval]`, `[1h:5m]`): no names inside.
      const end = expr.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed "[" in PromQL: ${expr}`);
      i = end + 1;
    } else if (c === '$') {
      // A Grafana variable outside a string or range (e.g. `$__range` as a number) is not a name.
      const m = /^\$(\{[^}]*\}|\w+)/.exec(expr.slice(i));
      i += m ? m[0].length : 1;
    } else if (/[a-zA-Z_:]/.test(c)) {
      const text = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(expr.slice(i))?.[0] ?? c;
      out.push({ kind: 'ident', text });
      i += text.length;
    } else if (/[0-9.]/.test(c)) {
      i += (/^[0-9.]+(e[+-]?[0-9]+)?[a-z]*/i.exec(expr.slice(i))?.[0] ?? c).length;
    } else {
      const two = expr.slice(i, i + 2);
      const op = ['=~', '!~', '!=', '==', '>=', '<='].includes(two) ? two : c;
      out.push({ kind: 'punct', text: op });
      i += op.length;
    }
  }
  return out;
}

/** The references of one PromQL expression; throws on an expression it cannot read. */
export function promqlRefs(expr: string): PromqlRefs {
  const metrics: string[] = [];
  const labels: string[] = [];
  const matchers: LabelMatcher[] = [];
  const addLabel = (l: string) => labels.includes(l) || labels.push(l);
  const labelValues = /^\s*label_values\(\s*(?:([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(expr);
  if (labelValues) {
    // Grafana's variable query `label_values(metric{…}, label)`.
    const [, metric = '', selector = '', label = ''] = labelValues;
    const inner = promqlRefs(`${metric}${selector}`.trim() || 'vector(0)');
    return { metrics: inner.metrics, labels: [...new Set([...inner.labels, label])], matchers: inner.matchers };
  }
  const tokens = tokenize(expr);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t?.kind !== 'ident') continue;
    const next = tokens[i + 1];
    if (GROUPING.has(t.text)) {
      if (next?.text !== '(') continue;
      let j = i + 2;
      for (let g = tokens[j]; g !== undefined && g.text !== ')'; g = tokens[++j]) if (g.kind === 'ident') addLabel(g.text);
      i = j;
    } else if (next?.text === '(' || AGGREGATIONS.has(t.text) || KEYWORDS.has(t.text.toLowerCase())) {
      // A function call, an aggregation (`sum by (…) (…)`) or an operator keyword.
      continue;
    } else {
      if (!metrics.includes(t.text)) metrics.push(t.text);
      if (next?.text === '{') i = readMatchers(tokens, i + 1, matchers, addLabel, expr);
    }
  }
  // A bare selector without a metric name: `{__name__="x"}` is not used by Sluice's dashboard.
  tokens.forEach((t, i) => {
    if (t.text === '{' && tokens[i - 1]?.kind !== 'ident') throw new Error(`selector without a metric name in PromQL: ${expr}`);
  });
  return { metrics, labels, matchers };
}

function readMatchers(tokens: readonly Token[], open: number, matchers: LabelMatcher[], addLabel: (l: string) => void, expr: string): number {
  let j = open + 1;
  while (j < tokens.length && tokens[j]?.text !== '}') {
    const [label, op, value] = [tokens[j], tokens[j + 1], tokens[j + 2]];
    if (label?.kind !== 'ident' || !op || !['=', '!=', '=~', '!~'].includes(op.text) || value?.kind !== 'string') {
      throw new Error(`cannot read the label matchers of PromQL: ${expr}`);
    }
    addLabel(label.text);
    matchers.push({ label: label.text, op: op.text as LabelMatcher['op'], value: value.text });
    j += 3;
    if (tokens[j]?.text === ',') j++;
  }
  if (tokens[j]?.text !== '}') throw new Error(`cannot read the label matchers of PromQL: ${expr}`);
  return j;
}
