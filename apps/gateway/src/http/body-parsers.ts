import { parseClientJson } from '@voxgate/openai-wire';
import type { FastifyInstance } from 'fastify';

/**
 * The gateway's only body parsers: `application/json`, through `parseClientJson` (depth limit and
 * reserved names checked before any handler or schema walks the value), and `multipart/form-data`, which
 * is accepted but left unread for the routes that take it (`readMultipartForm`, after their own checks).
 * Every other content type, `text/plain` and form-encoded bodies included, is a 415 rather than a string
 * handed to a handler. Nest's own parsers are off (`bodyParser: false`): they would register a
 * form-urlencoded parser at `init`, after this runs.
 */
export function registerBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null, undefined));
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    try {
      done(null, parseClientJson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}
