/**
 * The part of the OpenAPI 3.1 object model the generator writes. Deliberately small: only what Voxgate's
 * document uses, so a typo in a field name is a compile error rather than a silently ignored key.
 * Schemas are JSON Schema 2020-12 (the dialect of OpenAPI 3.1), as `z.toJSONSchema` produces them.
 */

/** A JSON Schema (2020-12) object. */
export type JsonSchema = { [keyword: string]: unknown };

export interface ReferenceObject {
  $ref: string;
}

export interface HeaderObject {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  description?: string;
  required?: boolean;
  schema: JsonSchema;
  style?: 'form' | 'simple';
  explode?: boolean;
}

export interface EncodingObject {
  contentType?: string;
}

export interface MediaTypeObject {
  schema: JsonSchema;
  encoding?: Record<string, EncodingObject>;
  example?: unknown;
  /** Specification extension: the JSON Schema of each event of a `text/event-stream` body. */
  'x-voxgate-event-schema'?: JsonSchema;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | ReferenceObject>;
  content?: Record<string, MediaTypeObject>;
}

export interface RequestBodyObject {
  description?: string;
  required: boolean;
  content: Record<string, MediaTypeObject>;
}

/** Security requirement: scheme name → roles (OpenAPI 3.1 allows roles for non-OAuth schemes too). */
export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: SecurityRequirement[];
  parameters?: (ParameterObject | ReferenceObject)[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject | ReferenceObject>;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';

export type PathItemObject = Partial<Record<HttpMethod, OperationObject>>;

export interface SecuritySchemeObject {
  type: 'http';
  scheme: 'bearer';
  description: string;
}

export interface TagObject {
  name: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: '3.1.1';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  jsonSchemaDialect: string;
  tags: TagObject[];
  paths: Record<string, PathItemObject>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, SecuritySchemeObject>;
    responses: Record<string, ResponseObject>;
    headers: Record<string, HeaderObject>;
    parameters: Record<string, ParameterObject>;
  };
}
