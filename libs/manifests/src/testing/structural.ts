/**
 * An independent check of the Kubernetes structural-schema rules, for tests:
 * every node typed (or int-or-string / preserve-unknown-fields), no
 * properties beside additionalProperties, combinator branches carrying only
 * value validations, no defaults under combinators. Returns the violations.
 */
export function structuralViolations(node: unknown, path = '', inCombinator = false): string[] {
  if (typeof node !== 'object' || node === null) return [`${path}: not an object`];
  const n = node as Record<string, unknown>;
  const out: string[] = [];
  const allowed = new Set(['type', 'description', 'title', 'default', 'nullable', 'example', 'enum', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'required', 'properties', 'items', 'additionalProperties', 'allOf', 'anyOf', 'oneOf', 'not', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-validations', 'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-embedded-resource']);
  for (const key of Object.keys(n)) if (!allowed.has(key)) out.push(`${path}: unknown keyword "${key}"`);
  if (inCombinator) {
    for (const key of ['type', 'default', 'description', 'nullable', 'properties', 'items', 'additionalProperties']) {
      if (key in n) out.push(`${path}: "${key}" inside a combinator`);
    }
  } else if (n['type'] === undefined && n['x-kubernetes-int-or-string'] !== true && n['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.push(`${path}: no type`);
  }
  if ('properties' in n && 'additionalProperties' in n) out.push(`${path}: properties and additionalProperties`);
  if (Array.isArray(n['enum']) && n['enum'].includes(null)) out.push(`${path}: null in enum`);
  for (const [k, v] of Object.entries((n['properties'] as Record<string, unknown> | undefined) ?? {})) out.push(...structuralViolations(v, `${path}.${k}`, inCombinator));
  if (n['items'] !== undefined) out.push(...structuralViolations(n['items'], `${path}[]`, inCombinator));
  if (typeof n['additionalProperties'] === 'object') out.push(...structuralViolations(n['additionalProperties'], `${path}.*`, inCombinator));
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    for (const [i, b] of ((n[key] as unknown[] | undefined) ?? []).entries()) out.push(...structuralViolations(b, `${path}.${key}[${i}]`, true));
  }
  if (n['not'] !== undefined) out.push(...structuralViolations(n['not'], `${path}.not`, true));
  return out;
}
