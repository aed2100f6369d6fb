import { compileErrors, validate } from '@readme/openapi-parser';
import { buildOpenApiDocument } from './openapi-document';
import type { OperationObject } from './openapi.types';

const document = buildOpenApiDocument({ version: '1.2.3' });

const operations = (): [string, string, OperationObject][] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, string, OperationObject] => [method, path, operation]),
  );

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else refsIn(child, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    // The parser dereferences (a dangling `$ref` fails) and validates against the OAS 3.1 schema plus its
    // own rules (duplicate operationIds, path parameters without a definition, …).
    const result = await validate(structuredClone(document) as never, { resolve: { external: false } });
    expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
    expect(document.openapi).toMatch(/^3\.1\./);
    // External references would have been ignored above, not checked: there must be none.
    expect(refsIn(document).filter((ref) => !ref.startsWith('#/'))).toEqual([]);
  });

  it('is the same every time it is built (it is generated once and cached, and may be diffed)', () => {
    expect(JSON.stringify(buildOpenApiDocument({ version: '1.2.3' }))).toBe(JSON.stringify(document));
  });

  it('names the package version and the license', () => {
    expect(document.info).toMatchObject({ title: 'Voxgate', version: '1.2.3', license: { identifier: 'Apache-2.0' } });
  });

  it('secures /v1 with tenant keys, /admin and /metrics with the admin key, and leaves probes, docs and CORS preflights public', () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['adminKey', 'tenantKey']);
    for (const [method, path, operation] of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      if (path.startsWith('/admin/') || path === '/metrics')
        expect([where, operation.security]).toEqual([where, [{ adminKey: [] }]]);
      else if (path.startsWith('/v1/usage'))
        expect([where, operation.security]).toEqual([where, [{ tenantKey: ['billing'] }]]);
      else if (path.startsWith('/v1/') && method !== 'options')
        expect([where, operation.security]).toEqual([where, [{ tenantKey: [] }]]);
      else expect([where, operation.security]).toEqual([where, []]);
    }
  });

  it("answers every error of every route with OpenAI's envelope", () => {
    for (const [, , operation] of operations()) {
      expect(operation.responses['4XX']).toEqual({ $ref: '#/components/responses/ClientError' });
      expect(operation.responses['5XX']).toEqual({ $ref: '#/components/responses/ServerError' });
    }
    for (const response of Object.values(document.components.responses)) {
      expect(response.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/ErrorResponse' });
    }
    expect(document.components.schemas.ErrorResponse).toMatchObject({
      required: ['error'],
      properties: {
        error: {
          required: ['message', 'type', 'param', 'code'],
          properties: { param: { type: ['string', 'null'] }, code: { type: ['string', 'null'] } },
        },
      },
    });
  });

  it('lists the common response headers on every success response', () => {
    for (const [, , operation] of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status.endsWith('XX') || '$ref' in response) continue;
        expect(Object.keys(response.headers ?? {})).toEqual(
          expect.arrayContaining(['x-request-id', 'openai-processing-ms', 'openai-version']),
        );
      }
    }
  });

  it('tags every operation with a declared tag and gives each a unique operationId', () => {
    const tags = new Set(document.tags.map((tag) => tag.name));
    const ids = operations().map(([, , operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [, , operation] of operations()) expect(tags).toContain(operation.tags[0]);
  });

  it('documents query strings from the zod schemas the handlers validate with', () => {
    const listFiles = document.paths['/v1/files']?.get as OperationObject;
    expect(listFiles.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'order',
          in: 'query',
          schema: expect.objectContaining({ enum: ['asc', 'desc'] }),
        }),
      ]),
    );
    const usage = document.paths['/v1/usage']?.get as OperationObject;
    expect(usage.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'start_time', in: 'query', required: true })]),
    );
  });
});
