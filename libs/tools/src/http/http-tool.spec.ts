import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toolContext } from '../__fixtures__/tool-fixtures';
import { ToolNotExecutedError } from '../tool-module';
import { createGuardedFetch } from './guarded-fetch';
import { createHttpTool } from './http-tool';
import { SsrfGuard } from './ssrf-guard';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local endpoint whose answer depends on the path. */
async function startEndpoint(): Promise<{
  server: Server;
  base: string;
  received: Received[];
  closed: { value: number };
}> {
  const received: Received[] = [];
  const closed = { value: 0 };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (path === '/json')
        return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"temp":21}');
      if (path === '/text') return void response.writeHead(200).end('plain words');
      if (path === '/teapot') return void response.writeHead(418).end('I am a teapot');
      if (path === '/busy') return void response.writeHead(503).end('busy');
      if (path === '/huge') return void response.writeHead(200).end('x'.repeat(10_000));
      if (path === '/huge-stream') {
        response.writeHead(200);
        const chunk = 'y'.repeat(1_000);
        let sent = 0;
        const timer = setInterval(() => {
          if (response.destroyed || sent++ > 200) {
            clearInterval(timer);
            response.end();
            return;
          }
          response.write(chunk);
        }, 1);
        return;
      }
      if (path === '/hang') {
        response.on('close', () => closed.value++);
        return;
      }
      response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, closed };
}

describe('createHttpTool against a local server', () => {
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  const guard = new SsrfGuard(['127.0.0.0/8']);
  const fetch = createGuardedFetch(guard);

  beforeAll(async () => {
    endpoint = await startEndpoint();
  });
  afterAll(async () => {
    await guard.close();
    endpoint.server.closeAllConnections();
    await new Promise((resolve) => endpoint.server.close(resolve));
  });

  const tool = (path: string, method: 'GET' | 'POST' = 'POST', maxResponseBytes = 4_096) =>
    createHttpTool(
      {
        name: 'weather',
        description: 'Weather.',
        parameters: { type: 'object' },
        effect: 'read',
        timeoutMs: 1_000,
        implementation: { type: 'http', url: `${endpoint.base}${path}`, method, headers: { 'x-api-key': 'k-secret' } },
      },
      { fetch, maxResponseBytes },
    );

  it('POSTs the arguments as JSON with the registered and gateway headers, and parses a JSON answer', async () => {
    const outcome = await tool('/json').execute({ city: 'Oslo', days: 2 }, toolContext({ idempotencyKey: 'idem-9' }));
    expect(outcome).toEqual({ status: 'ok', result: { temp: 21 } });
    const request = endpoint.received.at(-1);
    expect(request?.method).toBe('POST');
    expect(JSON.parse(request?.body ?? '')).toEqual({ city: 'Oslo', days: 2 });
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-api-key': 'k-secret',
      'idempotency-key': 'idem-9',
      'x-voxgate-tenant-id': 'ten_a',
      'x-voxgate-request-id': 'req_1',
    });
  });

  it('sends GET arguments as query parameters and returns a non-JSON answer as text', async () => {
    const outcome = await tool('/text', 'GET').execute({ city: 'Oslo', filter: { rain: true } }, toolContext());
    expect(outcome).toEqual({ status: 'ok', result: 'plain words' });
    expect(endpoint.received.at(-1)?.url).toBe('/text?city=Oslo&filter=%7B%22rain%22%3Atrue%7D');
  });

  it('turns a non-2xx answer into a tool error with the status and the start of the body', async () => {
    expect(await tool('/teapot').execute({}, toolContext())).toEqual({
      status: 'error',
      code: 'http_error',
      message: 'The tool endpoint answered HTTP 418.',
      details: { status: 418, body: 'I am a teapot' },
    });
    expect(await tool('/busy').execute({}, toolContext())).toMatchObject({ code: 'http_error', retryable: true });
  });

  it('refuses a response larger than the cap, declared or streamed', async () => {
    expect(await tool('/huge').execute({}, toolContext())).toMatchObject({
      status: 'error',
      code: 'response_too_large',
    });
    expect(await tool('/huge-stream').execute({}, toolContext())).toMatchObject({ code: 'response_too_large' });
  });

  it('aborts the request when the signal fires (the server sees the connection close)', async () => {
    const controller = new AbortController();
    const before = endpoint.closed.value;
    setTimeout(() => controller.abort(new Error('timeout')), 100);
    await expect(tool('/hang').execute({}, toolContext({ signal: controller.signal }))).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(endpoint.closed.value).toBe(before + 1);
  });

  it('says "not executed" when the URL is refused or the connection is refused', async () => {
    const strict = new SsrfGuard([]);
    const refused = createHttpTool(
      {
        name: 'x',
        description: 'x',
        parameters: { type: 'object' },
        effect: 'side_effect',
        timeoutMs: 1_000,
        implementation: { type: 'http', url: `${endpoint.base}/json`, method: 'POST', headers: {} },
      },
      { fetch: createGuardedFetch(strict), maxResponseBytes: 1_000 },
    );
    await expect(refused.execute({}, toolContext())).rejects.toThrow(ToolNotExecutedError);
    await strict.close();

    const unused = createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const port = (unused.address() as AddressInfo).port;
    await new Promise((resolve) => unused.close(resolve));
    const closedPort = createHttpTool(
      {
        name: 'x',
        description: 'x',
        parameters: { type: 'object' },
        effect: 'side_effect',
        timeoutMs: 1_000,
        implementation: { type: 'http', url: `http://127.0.0.1:${port}/nothing`, method: 'POST', headers: {} },
      },
      { fetch, maxResponseBytes: 1_000 },
    );
    await expect(closedPort.execute({}, toolContext())).rejects.toMatchObject({ code: 'endpoint_unreachable' });
  });
});
