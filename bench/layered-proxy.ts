/**
 * A proxy built from the parts a gateway's hot path is made of, each switched on by name, run as its own
 * process by `layers.bench.ts` (not a gateway anyone should run): what the features Voxgate's path has cost
 * when written as plainly as they can be, against what Voxgate's own code costs for the same requests.
 *
 *   node layered-proxy.js <upstream URL> <layers, comma-separated> [redis URL]
 *
 * With no layer it is the floor of `bare-proxy.ts`: Node's HTTP server, the bearer checked against one
 * constant, the body forwarded over a keep-alive undici pool, the answer sent back. Layers:
 *
 * - `fastify`: Fastify (no logger, the body read as a string) instead of Node's server alone;
 * - `parse`: both bodies parsed and serialised again (`JSON.parse`, a field set, `JSON.stringify`);
 * - `redis`: an admission script (six `INCRBY` on hash-tagged keys) sent as the provider call leaves and
 *   awaited before the answer, and a settle script written after the answer, as Voxgate overlaps its
 *   admission and writes its settle behind;
 * - `log`: one JSON access line per request on stdout.
 *
 * Prints one line `{"url":"http://127.0.0.1:<port>/v1"}` on stdout once it listens; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { Agent } from 'undici';

const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:1/v1');
const layers = new Set((process.argv[3] ?? '').split(',').filter(Boolean));
const KEY = 'Bearer sk-floor';
const agent = new Agent({ keepAliveTimeout: 60_000, pipelining: 1 });
const path = `${upstream.pathname.replace(/\/$/, '')}/chat/completions`;
const redis = layers.has('redis') ? new Redis(process.argv[4] ?? 'redis://127.0.0.1:6379') : null;
const SCRIPT = "local n = 0 for i = 1, #KEYS do n = n + redis.call('INCRBY', KEYS[i], ARGV[1]) end return n";
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `layers:{t}:${name}`);

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

/** The request's whole path but for the HTTP server: check, forward, answer; `after` runs once it is sent. */
async function proxy(authorization: string | undefined, text: string): Promise<Answer> {
  if (authorization !== KEY) return { status: 401, type: 'application/json', body: '{"error":{"message":"no"}}' };
  let body = text;
  if (layers.has('parse')) {
    const request = JSON.parse(text) as Record<string, unknown>;
    request.model = 'bench-model';
    body = JSON.stringify(request);
  }
  const admission = redis ? redis.eval(SCRIPT, KEYS.length, ...KEYS, 1) : null;
  const response = await agent.request({
    origin: upstream.origin,
    path,
    method: 'POST',
    headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
    body,
  });
  let answer = await response.body.text();
  await admission;
  if (layers.has('parse')) {
    const completion = JSON.parse(answer) as Record<string, unknown>;
    completion.model = 'bench-model';
    answer = JSON.stringify(completion);
  }
  const type = response.headers['content-type'];
  return { status: response.statusCode, type: typeof type === 'string' ? type : 'application/json', body: answer };
}

/** What follows a sent answer: the settle written behind, the access line. */
function after(status: number): void {
  redis?.eval(SCRIPT, KEYS.length, ...KEYS, -1).catch(() => undefined);
  if (layers.has('log')) {
    const line = { level: 30, time: Date.now(), msg: 'chat.completion', path: '/v1/chat/completions', status };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
}

function listening(port: number): void {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}/v1` }));
}

if (layers.has('fastify')) {
  const fastify = Fastify({ logger: false });
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  fastify.post('/v1/chat/completions', async (request, reply) => {
    const answer = await proxy(request.headers.authorization, request.body as string);
    void reply.code(answer.status).header('content-type', answer.type).send(answer.body);
    after(answer.status);
    return reply;
  });
  void fastify.listen({ port: 0, host: '127.0.0.1' }).then(() => {
    listening((fastify.server.address() as AddressInfo).port);
  });
} else {
  const server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      proxy(request.headers.authorization, Buffer.concat(parts).toString()).then(
        (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
          after(answer.status);
        },
        () => response.writeHead(502).end(),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => listening((server.address() as AddressInfo).port));
}
process.once('SIGTERM', () => process.exit(0));
