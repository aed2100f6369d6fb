import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { API_REFERENCE_HTML, API_REFERENCE_INIT_JS } from './api-reference.page';
import { buildOpenApiDocument } from './openapi-document';

/**
 * Same-origin only: the page, its scripts, styles and the document all come from the gateway. `data:`
 * images are allowed because Swagger UI's stylesheet draws its icons as inline SVG data URIs.
 */
export const API_REFERENCE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  readonly contentType: string;
  /** Read on first use, then kept: the package is pinned, its files never change under a running process. */
  readonly load: () => Buffer;
}

/** The viewer's files: the two Swagger UI needs from the pinned `swagger-ui-dist`, and the start-up script. */
const ASSETS: Readonly<Record<string, Asset>> = {
  'swagger-ui.css': { contentType: 'text/css; charset=utf-8', load: () => swaggerUiFile('swagger-ui.css') },
  'swagger-ui-bundle.js': {
    contentType: 'text/javascript; charset=utf-8',
    load: () => swaggerUiFile('swagger-ui-bundle.js'),
  },
  'init.js': { contentType: 'text/javascript; charset=utf-8', load: () => Buffer.from(API_REFERENCE_INIT_JS) },
};

/**
 * `GET /openapi.json`, `GET /docs` and `GET /docs/assets/{file}`: the API reference, public (no key), when
 * `server.docs` is true. The document is built on the first request and kept for the life of the process
 * (it depends on the code only). Registered as a plugin so its routes are added with the app's own, when
 * Fastify boots.
 */
export function registerApiReference(fastify: FastifyInstance, options: { enabled: boolean }): void {
  if (!options.enabled) return;
  void fastify.register((instance, _options, done) => {
    let document: string | null = null;
    const cache = new Map<string, Buffer>();

    instance.get('/openapi.json', (_request, reply) => {
      document ??= JSON.stringify(buildOpenApiDocument({ version: voxgateVersion() }));
      return reply.type('application/json; charset=utf-8').send(document);
    });

    instance.get('/docs', (_request, reply) =>
      guarded(reply).type('text/html; charset=utf-8').send(API_REFERENCE_HTML),
    );

    instance.get<{ Params: { file: string } }>('/docs/assets/:file', (request, reply) => {
      const asset = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined;
      // Unknown names fall through to the gateway's JSON 404, like any unknown URL.
      if (!asset) return reply.callNotFound();
      let body = cache.get(request.params.file);
      if (!body) cache.set(request.params.file, (body = asset.load()));
      return guarded(reply).header('cache-control', 'public, max-age=3600').type(asset.contentType).send(body);
    });
    done();
  });
}

function guarded(reply: FastifyReply): FastifyReply {
  return reply.headers({ 'content-security-policy': API_REFERENCE_CSP, 'x-content-type-options': 'nosniff' });
}

function swaggerUiFile(name: string): Buffer {
  return readFileSync(path.join(path.dirname(require.resolve('swagger-ui-dist/package.json')), name));
}

/** `version` of the repository's package.json: the nearest one above this file, in `src/` and in `dist/`. */
function voxgateVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : 'unknown';
  }
  return 'unknown';
}
