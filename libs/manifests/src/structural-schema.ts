import { ManifestError } from './errors.js';

/** A JSON Schema node in Kubernetes wire form (`enum`, `default`, `x-kubernetes-*`). */
export type WireSchema = { [key: string]: unknown };

const BUILDER = 'toStructuralSchema';

/** Value validations: allowed inside allOf/anyOf/oneOf branches. */
const VALUE_KEYS = new Set([
  'enum', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'required',
]);
/** Everything Kubernetes' JSONSchemaProps accepts that this converter emits. */
const KEPT_KEYS = new Set([...VALUE_KEYS, 'type', 'description', 'title', 'default', 'nullable', 'example']);
/** JSON Schema annotations Kubernetes does not know; they carry no validation, so they are dropped. */
const DROPPED_KEYS = new Set(['$schema', '$id', 'id', '$comment', 'examples', 'readOnly', 'writeOnly', 'deprecated', 'contentEncoding', 'contentMediaType', 'propertyNames']);
/** Formats the API server validates; others would be warned about and ignored. */
const FORMATS = new Set(['date-time', 'date', 'duration', 'byte', 'int32', 'int64', 'float', 'double', 'password', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid']);
/** JavaScript regex features RE2 (the API server's engine) lacks: lookaround and back-references. */
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]/;
/** A JavaScript `\uXXXX` escape (not preceded by an escaped backslash); RE2 spells it `\x{XXXX}`. */
const JS_UNICODE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u([0-9a-fA-F]{4})/g;

function fail(path: string, why: string, fix: string): ManifestError {
  return new ManifestError('UnsupportedSchema', BUILDER, `${path || '<root>'}: ${why}; ${fix}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits `type` (string or array, possibly with "null") into one Kubernetes type plus `nullable`. */
function normalizeType(node: Record<string, unknown>, path: string): { type?: string; nullable: boolean; intOrString: boolean } {
  const raw = node['type'];
  const types = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)];
  const nonNull = types.filter((t) => t !== 'null');
  const nullable = types.length !== nonNull.length || node['nullable'] === true;
  if (nonNull.length <= 1) return { type: nonNull[0], nullable, intOrString: false };
  if (nonNull.length === 2 && nonNull.includes('integer') && nonNull.includes('string')) return { nullable, intOrString: true };
  throw fail(path, `type ${JSON.stringify(raw)} mixes kinds`, 'use one type per field (integer|string is the only allowed mix)');
}

/** A branch of a combinator reduced to value validations, as structural schemas require. */
function valueOnly(branch: WireSchema): WireSchema {
  const out: WireSchema = {};
  for (const [key, value] of Object.entries(branch)) if (VALUE_KEYS.has(key)) out[key] = value;
  return out;
}

/**
 * `anyOf`/`oneOf`: a union of literals becomes one `enum`; a union of one
 * scalar type keeps its branches as value validations; integer|string
 * becomes int-or-string. Object unions have no structural form.
 */
function convertUnion(key: 'anyOf' | 'oneOf', branches: unknown[], path: string): WireSchema {
  const isNull = (b: unknown): boolean =>
    isRecord(b) && (b['type'] === 'null' || b['const'] === null || (Array.isArray(b['enum']) && b['enum'].length === 1 && b['enum'][0] === null));
  const nullable = branches.some(isNull);
  const rest = branches.map((b, i) => ({ b, i })).filter(({ b }) => !isNull(b)).map(({ b, i }) => convert(b, `${path}.${key}[${i}]`));
  const types = new Set(rest.map((b) => b['type']));
  const withNullable = (node: WireSchema): WireSchema => (nullable ? { ...node, nullable: true } : node);
  if (rest.length === 1 && rest[0]) return withNullable(rest[0]);
  if (types.size === 2 && types.has('integer') && types.has('string')) return withNullable({ 'x-kubernetes-int-or-string': true });
  const [type] = types;
  if (types.size !== 1 || type === 'object' || type === 'array' || type === undefined) {
    throw fail(path, `${key} of ${[...types].map(String).join('/')} has no structural form`, 'model it as one object with optional fields, or a string enum');
  }
  if (rest.every((b) => Array.isArray(b['enum']))) {
    return withNullable({ type, enum: [...new Set(rest.flatMap((b) => b['enum'] as unknown[]))] });
  }
  return withNullable({ type, [key]: rest.map(valueOnly) });
}

function convert(input: unknown, path: string): WireSchema {
  if (!isRecord(input)) throw fail(path, 'is not a schema object', 'pass the object z.toJSONSchema() returns');
  if ('$ref' in input || '$defs' in input || 'definitions' in input) {
    throw fail(path, 'uses $ref', 'generate with { reused: "inline", cycles: "throw" }; Kubernetes schemas cannot reference or recurse');
  }
  if ('prefixItems' in input || Array.isArray(input['items'])) throw fail(path, 'is a tuple', 'use an array of one item type or an object');
  if ('anyOf' in input || 'oneOf' in input) {
    const key = 'anyOf' in input ? 'anyOf' : 'oneOf';
    const branches = input[key];
    if (!Array.isArray(branches)) throw fail(path, `${key} is not a list`, 'pass a valid JSON Schema');
    const union = convertUnion(key, branches, path);
    const { [key]: _drop, ...siblings } = input;
    if (Object.keys(siblings).length === 0) return union;
    const merged: WireSchema = { ...convert(siblings, path), ...union };
    if (merged['type'] !== undefined || merged['x-kubernetes-int-or-string'] === true) delete merged['x-kubernetes-preserve-unknown-fields'];
    return merged;
  }

  const out: WireSchema = {};
  const { type, nullable, intOrString } = normalizeType(input, path);
  if (type !== undefined) out['type'] = type;
  if (intOrString) out['x-kubernetes-int-or-string'] = true;
  if (nullable) out['nullable'] = true;

  for (const [key, value] of Object.entries(input)) {
    if (key === 'type' || key === 'nullable' || DROPPED_KEYS.has(key)) continue;
    if (key.startsWith('x-kubernetes-')) out[key] = value;
    else if (key === 'const') out['enum'] = [value];
    else if (key === 'format') {
      if (typeof value === 'string' && FORMATS.has(value)) out[key] = value;
    } else if (key === 'pattern') {
      // A JS-only pattern would make the API server reject the whole CRD; the zod schema still enforces it in the apps.
      if (typeof value === 'string' && !NOT_RE2.test(value)) out[key] = value.replace(JS_UNICODE_ESCAPE, '$1\\x{$2}');
    } else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else if (key === 'properties') {
      if (!isRecord(value)) throw fail(path, 'properties is not an object', 'pass a valid JSON Schema');
      const props: WireSchema = {};
      for (const [name, child] of Object.entries(value)) props[name] = convert(child, `${path}.${name}`);
      out[key] = props;
    } else if (key === 'items') {
      out[key] = convert(value, `${path}[]`);
    } else if (key === 'additionalProperties') {
      if (value === false) continue; // Kubernetes prunes unknown fields already; `false` beside `properties` is not allowed.
      if (value === true) out['x-kubernetes-preserve-unknown-fields'] = true;
      else out[key] = convert(value, `${path}.*`);
    } else if (key === 'allOf') {
      if (!Array.isArray(value)) throw fail(path, 'allOf is not a list', 'pass a valid JSON Schema');
      const branches = value.map((b, i) => convert(b, `${path}.allOf[${i}]`));
      for (const b of branches) {
        if ('properties' in b || 'items' in b || 'additionalProperties' in b) throw fail(path, 'allOf combines structures', 'merge the objects into one schema');
        if (b['type'] !== undefined && out['type'] === undefined) out['type'] = b['type'];
        if (b['type'] !== undefined && b['type'] !== out['type']) throw fail(path, 'allOf mixes types', 'use one type');
      }
      const kept = branches.map(valueOnly).filter((b) => Object.keys(b).length > 0);
      if (kept.length > 0) out[key] = kept;
    } else if (key === 'not') {
      out[key] = valueOnly(convert(value, `${path}.not`));
    } else if (KEPT_KEYS.has(key)) out[key] = value;
    else throw fail(path, `uses "${key}", which Kubernetes schemas do not support`, 'remove it from the zod schema or extend toStructuralSchema');
  }

  if (Array.isArray(out['enum']) && out['enum'].includes(null)) {
    out['enum'] = out['enum'].filter((v) => v !== null);
    out['nullable'] = true;
  }
  if ('properties' in out && 'additionalProperties' in out) {
    throw fail(path, 'has both properties and additionalProperties', 'use a plain object or a record, not both');
  }
  if (out['type'] === undefined && !intOrString && out['x-kubernetes-preserve-unknown-fields'] !== true) {
    // z.unknown()/z.any(): keep whatever is stored rather than pruning it.
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out;
}

/**
 * Converts a JSON Schema from zod 4's `toJSONSchema` into a Kubernetes
 * structural schema (wire form): drops annotations Kubernetes does not know,
 * turns `const`, nullable unions and literal unions into `enum`/`nullable`,
 * hoists types out of `allOf`, drops RE2-incompatible patterns and unknown
 * formats, and marks untyped nodes `x-kubernetes-preserve-unknown-fields`.
 * Throws `UnsupportedSchema` for what has no structural form (refs, tuples,
 * object unions), naming the path and how to change the schema.
 */
export function toStructuralSchema(schema: unknown): WireSchema {
  return convert(schema, '');
}
