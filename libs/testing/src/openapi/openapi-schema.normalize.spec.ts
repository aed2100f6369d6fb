import { normalizeOpenApiSchema } from './openapi-schema.normalize';

describe('normalizeOpenApiSchema', () => {
  it('turns `nullable: true` into anyOf with null, keeping the original constraints', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 1, nullable: true } } };
    expect(normalizeOpenApiSchema(schema)).toEqual({
      type: 'object',
      properties: { n: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] } },
    });
  });

  it('wraps a nullable $ref and drops `nullable: false`', () => {
    expect(normalizeOpenApiSchema({ $ref: '#/components/schemas/X', nullable: true })).toEqual({
      anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }],
    });
    expect(normalizeOpenApiSchema({ type: 'string', nullable: false })).toEqual({ type: 'string' });
  });

  it('lets a schema whose default is null accept null (Realtime `noise_reduction`), not one whose default is not', () => {
    const schema = { type: 'object', default: null, properties: { type: { type: 'string' } } };
    expect(normalizeOpenApiSchema(structuredClone(schema))).toEqual({ anyOf: [schema, { type: 'null' }] });
    expect(normalizeOpenApiSchema({ type: 'string', default: 'x' })).toEqual({ type: 'string', default: 'x' });
    const documented = { $ref: '#/components/schemas/T', description: 'Defaults to off and can be set to `null`.' };
    expect(normalizeOpenApiSchema(structuredClone(documented))).toEqual({ anyOf: [documented, { type: 'null' }] });
    const named = { type: 'object', properties: { default: { type: 'string' } } };
    expect(normalizeOpenApiSchema(structuredClone(named))).toEqual(named);
  });

  it('leaves a property that is named `nullable` alone', () => {
    const schema = { type: 'object', properties: { nullable: { type: 'boolean' } } };
    expect(normalizeOpenApiSchema(structuredClone(schema))).toEqual(schema);
  });

  it('rewrites boolean exclusive bounds to the 2020-12 numeric form', () => {
    expect(normalizeOpenApiSchema({ type: 'number', minimum: 0, maximum: 2, exclusiveMinimum: true })).toEqual({
      type: 'number',
      maximum: 2,
      exclusiveMinimum: 0,
    });
    expect(normalizeOpenApiSchema({ type: 'number', maximum: 2, exclusiveMaximum: false })).toEqual({
      type: 'number',
      maximum: 2,
    });
  });
});
