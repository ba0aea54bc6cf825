import { ENVIRONMENT_NAMES } from './application.js';
import type { ApplicationSpec, DeliveryRule, EnvironmentName } from './application.js';
import type { RefType } from './git.js';

/** The ref a delivery is for: the short name (`main`, `v1.2.0`, or an MR's source branch) and its kind. */
export interface RefTarget {
  readonly ref: string;
  readonly refType: RefType;
}

/** The parts of an Application spec that decide where a ref is delivered. */
export type DeliveryRules = Pick<ApplicationSpec, 'rules' | 'environments'>;

/**
 * A rule's `refs` glob as an anchored RegExp: `*` and `?` match within one
 * `/`-separated component, `**` matches across components, everything else
 * is literal.
 */
export function refPatternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '*' && pattern.charAt(i + 1) === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

// Compiled patterns by source: an Application's few rules are matched on every webhook.
const compiled = new Map<string, RegExp>();
const COMPILED_MAX = 1024;

/** True when `ref` matches the rule glob `pattern` (see {@link refPatternToRegExp}). */
export function matchesRefPattern(pattern: string, ref: string): boolean {
  let regExp = compiled.get(pattern);
  if (regExp === undefined) {
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(pattern, (regExp = refPatternToRegExp(pattern)));
  }
  return regExp.test(ref);
}

/** The first rule of `app` whose kind and pattern match `target`, or `undefined`. */
export function matchRule(app: Pick<ApplicationSpec, 'rules'>, target: RefTarget): DeliveryRule | undefined {
  return app.rules.find((rule) => rule.kind === target.refType && matchesRefPattern(rule.refs, target.ref));
}

/**
 * Environments `target` is deployed to, staging before production. Empty
 * when no rule matches or the matching rule lists none: the commit is then
 * tested (and reported) but not deployed, which is the default for merge
 * requests. Environments the Application does not configure are left out.
 */
export function environmentsFor(app: DeliveryRules, target: RefTarget): readonly EnvironmentName[] {
  const rule = matchRule(app, target);
  if (rule === undefined) return [];
  return ENVIRONMENT_NAMES.filter((name) => rule.environments.includes(name) && app.environments[name] !== undefined);
}
