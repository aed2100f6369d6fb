import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const PLAYGROUND_PATH = '/playground';

/**
 * Same-origin only, no inline script or style: the page, its module, its worklet and its stylesheet come
 * from the gateway, and it talks to the gateway only (`connect-src 'self'` covers `ws:`/`wss:` to this
 * host). AudioWorklet modules are governed by `script-src`.
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's files, in `assets/` beside this file (copied into `dist/` by scripts/copy-assets.mjs). */
const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'playground.js': 'text/javascript; charset=utf-8',
  'realtime-audio.js': 'text/javascript; charset=utf-8',
  'pcm-worklet.js': 'text/javascript; charset=utf-8',
  'playground.css': 'text/css; charset=utf-8',
};

interface LoadedFile {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
}

/**
 * `GET /playground` and `GET /playground/assets/{file}`: the voice playground, public (no key; the page
 * asks for one), when `server.playground` is true. Files are read on first use and kept: they ship with
 * the build and never change under a running process. Every answer carries a strong ETag and
 * `cache-control: no-cache`, so a browser revalidates (a cheap 304) and never runs a stale module against
 * a newer gateway.
 */
export function registerPlayground(fastify: FastifyInstance, options: { enabled: boolean }): void {
  if (!options.enabled) return;
  void fastify.register((instance, _options, done) => {
    const cache = new Map<string, LoadedFile>();
    const load = (name: string): LoadedFile => {
      let file = cache.get(name);
      if (!file) {
        const body = readFileSync(path.join(__dirname, 'assets', name));
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
        cache.set(name, (file = { body, etag, contentType: FILES[name] ?? 'application/octet-stream' }));
      }
      return file;
    };

    instance.get(PLAYGROUND_PATH, (request, reply) => send(request, reply, load('index.html')));
    instance.get<{ Params: { file: string } }>(`${PLAYGROUND_PATH}/assets/:file`, (request, reply) => {
      const name = request.params.file;
      // Unknown names (index.html included: it is served at /playground) get the gateway's JSON 404.
      if (!Object.hasOwn(FILES, name) || name === 'index.html') return reply.callNotFound();
      return send(request, reply, load(name));
    });
    done();
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: LoadedFile): FastifyReply {
  void reply.headers({
    'content-security-policy': PLAYGROUND_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'microphone=(self)',
    'cache-control': 'no-cache',
    etag: file.etag,
  });
  if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
  return reply.type(file.contentType).send(file.body);
}
