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
