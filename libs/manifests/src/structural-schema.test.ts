import { describe, expect, it } from 'vitest';
import { ManifestError } from './errors.js';
import { toStructuralSchema } from './structural-schema.js';
import { structuralViolations } from './testing/structural.js';

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

describe('toStructuralSchema', () => {
  it('drops JSON Schema annotations and additionalProperties: false', () => {
    const out = toStructuralSchema({ $schema: 'http://json-schema.org/draft-04/schema#', ...obj({ a: { type: 'string', examples: ['x'], readOnly: true } }, { additionalProperties: false }) });
    expect(out).toEqual({ type: 'object', properties: { a: { type: 'string' } } });
  });

  it('turns const and literal unions into enums', () => {
    expect(toStructuralSchema({ type: 'string', const: 'a' })).toEqual({ type: 'string', enum: ['a'] });
    expect(toStructuralSchema({ anyOf: [{ type: 'string', enum: ['a'] }, { type: 'string', const: 'b' }] })).toEqual({ type: 'string', enum: ['a', 'b'] });
  });

  it('expresses null as nullable', () => {
    expect(toStructuralSchema({ anyOf: [{ type: 'string', maxLength: 3 }, { type: 'null' }] })).toEqual({ type: 'string', maxLength: 3, nullable: true });
    expect(toStructuralSchema({ type: ['integer', 'null'] })).toEqual({ type: 'integer', nullable: true });
    expect(toStructuralSchema({ type: 'string', enum: ['a', null], nullable: true })).toEqual({ type: 'string', enum: ['a'], nullable: true });
  });

  it('maps integer|string to int-or-string', () => {
    expect(toStructuralSchema({ anyOf: [{ type: 'integer' }, { type: 'string' }] })).toEqual({ 'x-kubernetes-int-or-string': true });
  });

  it('hoists the type out of allOf and keeps only value validations in branches', () => {
    const out = toStructuralSchema({ type: 'string', allOf: [{ type: 'string', pattern: '^a' }, { type: 'string', pattern: 'z$', description: 'd' }, { type: 'string' }] });
    expect(out).toEqual({ type: 'string', allOf: [{ pattern: '^a' }, { pattern: 'z$' }] });
  });

  it('drops patterns RE2 cannot compile and formats Kubernetes does not know', () => {
    expect(toStructuralSchema({ type: 'string', pattern: '^(?!-)[a-z]+$' })).toEqual({ type: 'string' });
    expect(toStructuralSchema({ type: 'string', pattern: '^(a)\\1$' })).toEqual({ type: 'string' });
    expect(toStructuralSchema({ type: 'string', pattern: '^(?:[a-z]|\\/)+$', format: 'date-time' })).toEqual({ type: 'string', pattern: '^(?:[a-z]|\\/)+$', format: 'date-time' });
    expect(toStructuralSchema({ type: 'integer', format: 'safeint' })).toEqual({ type: 'integer' });
    expect(toStructuralSchema({ type: 'string', pattern: '^[\\u0041-\\u005a]\\\\u0041$' })).toEqual({ type: 'string', pattern: '^[\\x{0041}-\\x{005a}]\\\\u0041$' });
  });

  it('converts numeric exclusive bounds to the boolean form', () => {
    expect(toStructuralSchema({ type: 'number', exclusiveMinimum: 0 })).toEqual({ type: 'number', minimum: 0, exclusiveMinimum: true });
  });

  it('keeps unknown-shaped values instead of pruning them', () => {
    expect(toStructuralSchema(obj({ any: {} }))).toEqual(obj({ any: { 'x-kubernetes-preserve-unknown-fields': true } }));
    expect(toStructuralSchema({ type: 'object', additionalProperties: true })).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(toStructuralSchema({ type: 'object', additionalProperties: { type: 'string' } })).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it.each([
    ['a $ref', obj({ a: { $ref: '#/$defs/A' } }), /\.a: uses \$ref; generate with \{ reused: "inline"/],
    ['an object union', { anyOf: [obj({ a: { type: 'string' } }), obj({ b: { type: 'string' } })] }, /anyOf of object has no structural form; model it as one object/],
    ['a tuple', { type: 'array', prefixItems: [{ type: 'string' }] }, /is a tuple/],
    ['an unsupported keyword', { type: 'string', if: { type: 'string' } }, /uses "if", which Kubernetes schemas do not support/],
    ['properties beside a schema for additional ones', obj({ a: { type: 'string' } }, { additionalProperties: { type: 'string' } }), /both properties and additionalProperties/],
    ['mixed types', { type: ['string', 'boolean'] }, /mixes kinds/],
  ])('rejects %s with the path and a fix', (_, schema, message) => {
    expect(() => toStructuralSchema(schema)).toThrow(ManifestError);
    expect(() => toStructuralSchema(schema)).toThrow(message);
  });

  it('produces schemas the structural checker accepts', () => {
    const out = toStructuralSchema(
      obj({
        name: { type: 'string', allOf: [{ type: 'string', pattern: '^a' }] },
        tags: { type: 'array', items: { anyOf: [{ type: 'string', const: 'x' }, { type: 'string', const: 'y' }] } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        port: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
        note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      }),
    );
    expect(structuralViolations(out)).toEqual([]);
  });

  it('the structural checker itself catches violations', () => {
    expect(structuralViolations({ properties: { a: {} } })).toEqual([': no type', '.a: no type']);
    expect(structuralViolations({ type: 'string', allOf: [{ type: 'string' }] })).toEqual(['.allOf[0]: "type" inside a combinator']);
  });
});
