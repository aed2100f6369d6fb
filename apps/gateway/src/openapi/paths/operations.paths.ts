import { json, type RouteGroup } from '../route-doc';

export const OPERATIONS_PATHS: RouteGroup = {
  tag: {
    name: 'Operations',
    description: 'Liveness and readiness probes; unauthenticated, they reveal nothing but ok / not ok.',
  },
  routes: [
    {
      method: 'get',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'Liveness: the process is up',
      access: 'public',
      responses: { '200': json('Health', 'Up.') },
    },
    {
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness: config loaded and Redis answers PING within a second',
      description: 'Answers 503 with the same body shape when not ready: take the replica out of rotation.',
      access: 'public',
      responses: { '200': json('Readiness', 'Ready.') },
    },
  ],
};

/** The routes that serve this document; present only while `server.docs` is true (the default). */
export const API_REFERENCE_PATHS: RouteGroup = {
  tag: {
    name: 'API reference',
    description:
      'This document and its viewer, served by the gateway itself (no CDN). Disable with `server.docs: false`.',
  },
  routes: [
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This OpenAPI 3.1 document',
      access: 'public',
      responses: {
        '200': {
          description: 'The document, generated from the zod schemas the gateway validates with.',
          content: { 'application/json': { schema: { type: 'object', description: 'An OpenAPI 3.1 document.' } } },
        },
      },
    },
    {
      method: 'get',
      path: '/docs',
      operationId: 'getApiReference',
      summary: 'The API reference, rendered (Swagger UI)',
      access: 'public',
      responses: {
        '200': {
          description: 'An HTML page; scripts and styles from this origin only.',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
    {
      method: 'get',
      path: '/docs/assets/{file}',
      operationId: 'getApiReferenceAsset',
      summary: 'A static file of the viewer',
      access: 'public',
      responses: {
        '200': {
          description: 'The file, from the pinned `swagger-ui-dist` package (or the page’s own start-up script).',
          content: {
            'text/css': { schema: { type: 'string' } },
            'text/javascript': { schema: { type: 'string' } },
          },
        },
      },
    },
  ],
};

/** The voice playground; present only while `server.playground` is true (the default). */
export const PLAYGROUND_PATHS: RouteGroup = {
  tag: {
    name: 'Playground',
    description:
      'A voice page served by the gateway (no CDN): paste a key or client secret, talk to a model over `/v1/realtime`. Disable with `server.playground: false`. See docs/realtime.md.',
  },
  routes: [
    {
      method: 'get',
      path: '/playground',
      operationId: 'getPlayground',
      summary: 'The voice playground page',
      access: 'public',
      responses: {
        '200': {
          description:
            'An HTML page; its module, worklet and stylesheet from this origin only (strict CSP, no inline script), `cache-control: no-cache` with an ETag.',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
      },
    },
    {
      method: 'get',
      path: '/playground/assets/{file}',
      operationId: 'getPlaygroundAsset',
      summary: 'A static file of the playground',
      access: 'public',
      responses: {
        '200': {
          description: 'The page’s ES modules, its AudioWorklet or its stylesheet.',
          content: {
            'text/css': { schema: { type: 'string' } },
            'text/javascript': { schema: { type: 'string' } },
          },
        },
      },
    },
  ],
};
