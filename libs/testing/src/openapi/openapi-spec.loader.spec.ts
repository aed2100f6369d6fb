import path from 'node:path';
import { OPENAPI_SPEC_FIXTURE_PATH } from '../fixtures/fixture-paths';
import { OPENAPI_SPEC_ENV, resolveOpenApiSpecPath } from './openapi-spec.loader';

describe('resolveOpenApiSpecPath', () => {
  it('defaults to the spec vendored in the repository', () => {
    expect(resolveOpenApiSpecPath({})).toBe(OPENAPI_SPEC_FIXTURE_PATH);
    expect(resolveOpenApiSpecPath({ [OPENAPI_SPEC_ENV]: '' })).toBe(OPENAPI_SPEC_FIXTURE_PATH);
  });

  it('lets $VOXGATE_OPENAPI_SPEC point at another copy, relative to the working directory', () => {
    expect(OPENAPI_SPEC_ENV).toBe('VOXGATE_OPENAPI_SPEC');
    expect(resolveOpenApiSpecPath({ VOXGATE_OPENAPI_SPEC: '/tmp/openapi-next.yaml' })).toBe('/tmp/openapi-next.yaml');
    expect(resolveOpenApiSpecPath({ VOXGATE_OPENAPI_SPEC: 'specs/o.yaml' })).toBe(path.resolve('specs/o.yaml'));
  });
});
