import { buildOpenApiDocument } from './openapi-document';
import { type GatewayUnderTest, type ServedRoute, startGatewayUnderTest } from './__fixtures__/gateway-under-test';

/** `GET /v1/files/{}`: method and path with parameter names erased (Fastify `:id`, `*` and OpenAPI `{id}`). */
const servedKey = ({ method, url }: ServedRoute) =>
  `${method} ${url.replace(/:[A-Za-z0-9_]+/g, '{}').replace(/\*$/, '{}')}`;
const documentedKey = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;

/**
 * The API reference lists exactly the routes the gateway serves. Adding a controller method (or any Fastify
 * route) without a line in a path table under `openapi/paths/` fails here, and so does documenting a route
 * that does not exist. HEAD routes Fastify derives from GET ones are not documented separately.
 */
describe('the OpenAPI document and the served routes', () => {
  let gateway: GatewayUnderTest;
  let served: Set<string>;
  let documented: Set<string>;

  beforeAll(async () => {
    gateway = await startGatewayUnderTest({ docs: true });
    const gets = new Set(gateway.routes.filter((route) => route.method === 'GET').map((route) => route.url));
    served = new Set(
      gateway.routes.filter((route) => !(route.method === 'HEAD' && gets.has(route.url))).map(servedKey),
    );
    const document = buildOpenApiDocument({ version: 'test' });
    documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => documentedKey(method, path)),
      ),
    );
  });
  afterAll(() => gateway.close());

  it('sees the routes of the app (the recorder works)', () => {
    expect(served).toContain('POST /v1/chat/completions');
    expect(served).toContain('GET /v1/models/{}');
    expect(served).toContain('GET /openapi.json');
    expect(served.size).toBeGreaterThan(50);
  });

  it('documents every served route', () => {
    expect([...served].filter((route) => !documented.has(route)).sort()).toEqual([]);
  });

  it('serves every documented route', () => {
    expect([...documented].filter((route) => !served.has(route)).sort()).toEqual([]);
  });
});
