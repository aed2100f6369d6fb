import type { z } from 'zod';
import { schemaRef } from './component-schemas';
import type {
  HeaderObject,
  HttpMethod,
  ParameterObject,
  ReferenceObject,
  RequestBodyObject,
  ResponseObject,
  TagObject,
} from './openapi.types';

/**
 * Who may call a route, which becomes its `security`:
 * - `public`: nobody needs a key (health, the API reference);
 * - `tenant`: a tenant key with the `client` scope (`Authorization: Bearer sk-vg-…`);
 * - `billing`: a tenant key with the `billing` scope;
 * - `admin`: the operator's admin key (`VOXGATE_ADMIN_KEY`).
 */
export type Access = 'public' | 'tenant' | 'billing' | 'admin';

/**
 * One route as the document describes it. A path table (`paths/*.paths.ts`) lists the routes of one
 * controller group; `buildOpenApiDocument` turns each into an OpenAPI operation, adding what every
 * operation shares: security from `access`, path parameters, the common response headers, and the
 * OpenAI error envelope as the `4XX` and `5XX` responses.
 */
export interface RouteDoc {
  readonly method: HttpMethod;
  /**
   * OpenAPI path template (`/v1/files/{fileId}`). Each `{name}` must be one of `PATH_PARAMETERS`, so a
   * parameter is described once for the whole document.
   */
  readonly path: string;
  /** Unique across the document; the SDK-style name of the call (`createChatCompletion`). */
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly access: Access;
  /** The query string, described by the zod schema the handler validates it with (as clients send it). */
  readonly query?: z.ZodObject;
  /** Request headers the route reads, besides `Authorization`. */
  readonly headers?: readonly ParameterObject[];
  readonly body?: RequestBodyObject;
  /** Success responses by status code. */
  readonly responses: Readonly<Record<string, ResponseObject>>;
}

/** The routes of one tag (a controller or a few related ones). */
export interface RouteGroup {
  readonly tag: TagObject;
  readonly routes: readonly RouteDoc[];
}

/** Descriptions of the path parameters, by name; emitted once under `components.parameters`. */
export const PATH_PARAMETERS: Readonly<Record<string, string>> = {
  model: 'A model id or alias from `GET /v1/models`. Ids may contain `/` (router-style names).',
  fileId: 'A file id (`file-…`).',
  batchId: 'A batch id (`batch_…`).',
  sessionId: 'The session id the client chose in `X-Session-Id` (`^[A-Za-z0-9._:-]{1,128}$`).',
  tenantId: 'A tenant id (`ten_…`).',
  keyId: 'An API key id (`key_…`), not the secret.',
  secretId: 'A client secret id (`cs_…`, from the `x-client-secret-id` header of its creation), not the secret.',
  path: 'Any path under `/v1/`.',
  name: 'A registered tool name (`^[a-zA-Z0-9_-]{1,64}$`).',
  resourceId: 'A bookable resource id, chosen by ops (`^[A-Za-z0-9_.:-]{1,128}$`).',
  bookingId: 'A booking id.',
  customerId: "The tenant's own customer id (`^[A-Za-z0-9_.:-]{1,128}$`).",
  currency: 'ISO 4217 code, upper case (`EUR`).',
  paymentId: 'A payment id.',
  file: 'A file of the API reference viewer.',
};

/** A response whose body is a component, as JSON. */
export function json(
  schema: string,
  description: string,
  headers?: Record<string, HeaderObject | ReferenceObject>,
): ResponseObject {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: schemaRef(schema) } },
  };
}

/** A required JSON request body that is a component. */
export function jsonBody(schema: string, description?: string): RequestBodyObject {
  return {
    ...(description ? { description } : {}),
    required: true,
    content: { 'application/json': { schema: schemaRef(schema) } },
  };
}

/** A request header parameter. */
export function header(name: string, description: string, pattern?: string): ParameterObject {
  return { name, in: 'header', description, schema: { type: 'string', ...(pattern ? { pattern } : {}) } };
}

/** A response header given inline. */
export function responseHeader(
  description: string,
  schema: Record<string, unknown> = { type: 'string' },
): HeaderObject {
  return { description, schema };
}
