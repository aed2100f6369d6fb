/**
 * The floor of `npm run bench:compare`: the least a Node.js gateway can be, run as its own process. It
 * checks the bearer against one constant, forwards `POST /v1/chat/completions` to the upstream (argv[2],
 * with `/v1`) over a keep-alive undici pool with the provider's key, and pipes the answer back, status,
 * content type and body, untouched. No Redis, no quotas, no metering, no logs, no parsing of either body.
 *
 * It is not a gateway anyone should run; it says what the machine charges any Node proxy for one more hop
 * (an HTTP server, an HTTP client, two more processes woken per request), so Voxgate's and Portkey's
 * figures can be read against what is possible here rather than against zero.
 *
 * Prints one line `{"url":"http://127.0.0.1:<port>/v1"}` on stdout once it listens; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';

const upstream = new URL(process.argv[2] ?? 'http://127.0.0.1:1/v1');
const KEY = 'Bearer sk-floor';
const agent = new Agent({ keepAliveTimeout: 60_000, pipelining: 1 });
const path = `${upstream.pathname.replace(/\/$/, '')}/chat/completions`;

const server = createServer((request, response) => {
  if (request.headers.authorization !== KEY || request.method !== 'POST') {
    response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"no"}}');
    request.resume();
    return;
  }
  const parts: Buffer[] = [];
  request.on('data', (part: Buffer) => parts.push(part));
  request.on('end', () => {
    agent
      .request({
        origin: upstream.origin,
        path,
        method: 'POST',
        headers: { authorization: 'Bearer sk-bench', 'content-type': 'application/json' },
        body: Buffer.concat(parts),
      })
      .then(({ statusCode, headers, body }) => {
        const type = headers['content-type'];
        response.writeHead(statusCode, typeof type === 'string' ? { 'content-type': type } : {});
        body.on('data', (part: Buffer) => response.write(part));
        body.on('end', () => response.end());
        body.on('error', () => response.destroy());
      })
      .catch(() => response.writeHead(502).end());
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` }));
});
process.once('SIGTERM', () => process.exit(0));
