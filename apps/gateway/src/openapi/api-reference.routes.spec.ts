import { readFileSync } from 'node:fs';
import path from 'node:path';
import { API_REFERENCE_CSP } from './api-reference.routes';
import { buildOpenApiDocument } from './openapi-document';
import { type GatewayUnderTest, startGatewayUnderTest } from './__fixtures__/gateway-under-test';

const swaggerUiDist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
  version: string;
};

describe('the API reference routes (server.docs: true, the default)', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => (gateway = await startGatewayUnderTest()));
  afterAll(() => gateway.close());

  it('serves the document without a key, built once and kept', async () => {
    const first = await gateway.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.headers['x-request-id']).toMatch(/^req_/);
    expect(first.json()).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument({ version }))));
    const second = await gateway.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(second.body).toBe(first.body);
  });

  it('serves the viewer page under a same-origin-only CSP, loading nothing from elsewhere', async () => {
    const page = await gateway.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(API_REFERENCE_CSP);
    expect(API_REFERENCE_CSP).not.toMatch(/unsafe|https?:|\*/);
    const urls = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(urls).toEqual(['docs/assets/swagger-ui.css', 'docs/assets/swagger-ui-bundle.js', 'docs/assets/init.js']);
    expect(page.body).not.toMatch(/<script>|<style|style="/);
  });

  it('serves the viewer from the pinned swagger-ui-dist package, and its start-up script', async () => {
    for (const [file, type] of [
      ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
      ['swagger-ui.css', 'text/css; charset=utf-8'],
    ] as const) {
      const asset = await gateway.app.inject({ method: 'GET', url: `/docs/assets/${file}` });
      expect([file, asset.statusCode, asset.headers['content-type']]).toEqual([file, 200, type]);
      expect(asset.headers['content-security-policy']).toBe(API_REFERENCE_CSP);
      expect(asset.rawPayload.equals(readFileSync(path.join(swaggerUiDist, file)))).toBe(true);
    }
    const init = await gateway.app.inject({ method: 'GET', url: '/docs/assets/init.js' });
    expect(init.statusCode).toBe(200);
    expect(init.body).toContain("new URL('openapi.json', document.baseURI)");
    expect(init.body).toContain('validatorUrl: null');
  });

  it('answers any other file name with the usual JSON 404, never a file of the package', async () => {
    for (const file of ['index.html', 'package.json', '..%2Fpackage.json', 'swagger-ui.js.map', 'toString']) {
      const response = await gateway.app.inject({ method: 'GET', url: `/docs/assets/${file}` });
      expect([file, response.statusCode]).toEqual([file, 404]);
      expect(response.json()).toMatchObject({ error: { code: 'unknown_url', type: 'invalid_request_error' } });
    }
  });
});

describe('the API reference routes with server.docs: false', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => (gateway = await startGatewayUnderTest({ docs: false })));
  afterAll(() => gateway.close());

  it('does not serve them', async () => {
    for (const url of ['/openapi.json', '/docs', '/docs/assets/init.js']) {
      const response = await gateway.app.inject({ method: 'GET', url });
      expect([url, response.statusCode]).toEqual([url, 404]);
    }
    expect(gateway.routes.map((route) => route.url)).not.toContain('/openapi.json');
  });
});
