import { componentSchemas, schemaRef, toJsonSchema } from './component-schemas';
import type {
  HeaderObject,
  OpenApiDocument,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SecurityRequirement,
} from './openapi.types';
import { ADMIN_BOOKING_PATHS, ADMIN_PAYMENT_PATHS } from './paths/admin-builtins.paths';
import { ADMIN_TENANCY_PATHS, ADMIN_USAGE_PATHS } from './paths/admin-tenancy.paths';
import { ADMIN_TOOLS_PATHS } from './paths/admin-tools.paths';
import { BATCHES_PATHS, FILES_PATHS } from './paths/batch.paths';
import { AUDIO_PATHS } from './paths/audio.paths';
import { CHAT_PATHS, MODELS_PATHS } from './paths/chat.paths';
import { API_REFERENCE_PATHS, OPERATIONS_PATHS, PLAYGROUND_PATHS } from './paths/operations.paths';
import { REALTIME_PATHS } from './paths/realtime.paths';
import { SESSIONS_PATHS, USAGE_PATHS } from './paths/sessions-usage.paths';
import { type Access, PATH_PARAMETERS, type RouteDoc, type RouteGroup } from './route-doc';

/** Every route group, in the order the viewer shows them. A route missing here fails `openapi-routes.spec`. */
export const ROUTE_GROUPS: readonly RouteGroup[] = [
  CHAT_PATHS,
  AUDIO_PATHS,
  MODELS_PATHS,
  REALTIME_PATHS,
  FILES_PATHS,
  BATCHES_PATHS,
  SESSIONS_PATHS,
  USAGE_PATHS,
  ADMIN_TENANCY_PATHS,
  ADMIN_USAGE_PATHS,
  ADMIN_TOOLS_PATHS,
  ADMIN_BOOKING_PATHS,
  ADMIN_PAYMENT_PATHS,
  OPERATIONS_PATHS,
  API_REFERENCE_PATHS,
  PLAYGROUND_PATHS,
];

const SECURITY: Record<Access, SecurityRequirement[]> = {
  public: [],
  tenant: [{ tenantKey: [] }],
  billing: [{ tenantKey: ['billing'] }],
  admin: [{ adminKey: [] }],
};

/** Headers on every response, streamed or not (apps/gateway/src/http/response-headers.ts). */
const COMMON_HEADERS: Record<string, HeaderObject> = {
  'x-request-id': {
    description: 'The request id (`req_…`); the SDKs expose it as `_request_id`.',
    schema: { type: 'string' },
  },
  'openai-processing-ms': {
    description: 'Time from receipt to the first byte of the answer.',
    schema: { type: 'string' },
  },
  'openai-version': { description: 'The OpenAI REST API version the gateway speaks.', schema: { type: 'string' } },
};

const commonHeaderRefs = (): Record<string, ReferenceObject> =>
  Object.fromEntries(Object.keys(COMMON_HEADERS).map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const ERROR_RESPONSES: Record<string, ResponseObject> = {
  ClientError: {
    description: [
      "OpenAI's error envelope. 400 invalid request (`param` names the field), 401 `invalid_api_key`, 403 wrong key",
      'scope or admin API disabled, 404 `*_not_found` or `unknown_url`, 409 conflict, 413 body or file too large, 415',
      'not JSON, 429 quota exceeded (`retry-after`, `x-should-retry: false` when waiting will not help).',
    ].join(' '),
    headers: {
      ...commonHeaderRefs(),
      'retry-after': { description: 'On 429: seconds until a retry can succeed.', schema: { type: 'string' } },
      'x-should-retry': { description: 'On 429: `false` when the SDKs should not retry.', schema: { type: 'string' } },
    },
    content: { 'application/json': { schema: schemaRef('ErrorResponse') } },
  },
  ServerError: {
    description:
      "OpenAI's error envelope. 500 internal, 502 the provider failed, 503 Redis or the provider unavailable, 504 the provider timed out.",
    headers: commonHeaderRefs(),
    content: { 'application/json': { schema: schemaRef('ErrorResponse') } },
  },
};

/**
 * The OpenAPI 3.1 document of the gateway: the path tables turned into operations, over components
 * generated from the zod schemas. Pure and deterministic (same code, same document), and not cheap (every
 * schema is converted): build it once and keep it.
 */
export function buildOpenApiDocument(options: { version: string }): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  const usedParameters = new Set<string>();
  for (const group of ROUTE_GROUPS) {
    for (const route of group.routes) {
      if (operationIds.has(route.operationId)) throw new Error(`openapi: duplicate operationId ${route.operationId}`);
      operationIds.add(route.operationId);
      const item = (paths[route.path] ??= {});
      if (item[route.method]) throw new Error(`openapi: ${route.method.toUpperCase()} ${route.path} is listed twice`);
      item[route.method] = operationOf(route, group.tag.name, usedParameters);
    }
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Voxgate',
      version: options.version,
      description: [
        'OpenAI-compatible gateway for voice AI. Client apps call `/v1/*` with a tenant key exactly as they would',
        'call OpenAI (only the base URL and the key differ); ops manage tenants, keys, quotas and tools under',
        '`/admin/*` with the admin key. Every error has OpenAI’s envelope `{"error":{"message","type","param","code"}}`.',
      ].join(' '),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: ROUTE_GROUPS.map((group) => group.tag),
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        tenantKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            "A tenant's Voxgate key (`sk-vg-…`), made by ops with `POST /admin/tenants/{tenantId}/keys`. `/v1/*` needs a key of the `client` scope; the role `billing` marks the routes that need a `billing` key instead.",
        },
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'The operator key set in `VOXGATE_ADMIN_KEY`, for `/admin/*` and `/metrics`. Without it the admin API answers 403 `admin_api_disabled`.',
        },
      },
      responses: ERROR_RESPONSES,
      headers: COMMON_HEADERS,
      parameters: Object.fromEntries(
        [...usedParameters]
          .sort()
          .map((name) => [
            name,
            { name, in: 'path', required: true, description: PATH_PARAMETERS[name] ?? '', schema: { type: 'string' } },
          ]),
      ),
    },
  };
}

function operationOf(route: RouteDoc, tag: string, usedParameters: Set<string>): OperationObject {
  const parameters: (ParameterObject | ReferenceObject)[] = [];
  for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g)) {
    if (!name || !(name in PATH_PARAMETERS)) throw new Error(`openapi: path parameter {${name}} has no description`);
    usedParameters.add(name);
    parameters.push({ $ref: `#/components/parameters/${name}` });
  }
  if (route.query) parameters.push(...queryParameters(route.query));
  parameters.push(...(route.headers ?? []));
  const responses: OperationObject['responses'] = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = { ...response, headers: { ...commonHeaderRefs(), ...response.headers } };
  }
  responses['4XX'] = { $ref: '#/components/responses/ClientError' };
  responses['5XX'] = { $ref: '#/components/responses/ServerError' };
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [tag],
    security: SECURITY[route.access],
    ...(parameters.length ? { parameters } : {}),
    ...(route.body ? { requestBody: route.body } : {}),
    responses,
  };
}

/** One `in: query` parameter per property of the route's query schema, as clients may send it. */
function queryParameters(query: NonNullable<RouteDoc['query']>): ParameterObject[] {
  const schema = toJsonSchema(query, 'input');
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, { description, ...property }]) => ({
    name,
    in: 'query',
    ...(typeof description === 'string' ? { description } : {}),
    ...(required.has(name) ? { required: true } : {}),
    schema: property,
  }));
}
