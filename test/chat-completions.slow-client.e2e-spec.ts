import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayProcess } from './support/gateway-process';
import { openaiClient, relayConfig, SNAPSHOT } from './support/relay-config';

/**
 * A client that stops reading must stop the gateway reading its provider (backpressure), not make it
 * buffer. The upstream here is not the spec-validating fake: it is a flood, 64 MB of content deltas
 * written as fast as its socket takes them, counting what its socket took. With the client reading
 * nothing, that count must stop growing far below 64 MB; what it may reach is the kernel's socket buffers
 * on both hops (a few MB each on loopback) plus the gateway's small user-space buffers.
 */
const STREAM_BYTES = 64 * 1024 * 1024;
/**
 * Room for the loopback buffers of both hops (Linux autotunes a send queue up to tcp_wmem's 4 MiB; this
 * machine measured about 4 MB in all), far below the stream.
 */
const BOUND = 12 * 1024 * 1024;

interface Flood {
  readonly server: Server;
  readonly url: string;
  written(): number;
  closed(): Promise<void>;
}

async function floodUpstream(): Promise<Flood> {
  const event = `data: ${JSON.stringify({
    id: 'chatcmpl-flood',
    object: 'chat.completion.chunk',
    created: 1,
    model: SNAPSHOT,
    choices: [{ index: 0, delta: { content: 'x'.repeat(4096) }, finish_reason: null }],
  })}\n\n`;
  let written = 0;
  let onClose: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (onClose = resolve));
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.once('close', onClose);
      const pump = () => {
        while (written < STREAM_BYTES && !response.destroyed) {
          written += event.length;
          if (!response.write(event)) return void response.once('drain', pump);
        }
        response.end('data: [DONE]\n\n');
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    written: () => written,
    closed: () => closed,
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('POST /v1/chat/completions, streaming to a client that stops reading', () => {
  let flood: Flood;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    flood = await floodUpstream();
    gateway = await GatewayProcess.start({ config: relayConfig(flood.url) });
  });

  afterAll(async () => {
    await gateway?.stop();
    flood?.server.closeAllConnections();
    flood?.server.close();
  });

  it('stops reading the upstream at a bound and cancels it when the client goes away', async () => {
    const { key } = await gateway.createTenantKey();
    const client = openaiClient(gateway.url, key);
    const stream = await client.chat.completions.create({
      model: SNAPSHOT,
      messages: [{ role: 'user', content: 'Hello' }],
      stream: true,
    });
    // Headers arrived; the body is never iterated: the client reads nothing more. Give the buffers on the
    // way time to fill (a gateway that did not push back would have read most of the 64 MB by then).
    await delay(2_000);
    const settled = flood.written();
    await delay(1_000);
    expect(flood.written()).toBe(settled);
    expect(settled).toBeLessThan(BOUND);

    stream.controller.abort();
    await flood.closed();
    expect(flood.written()).toBeLessThan(BOUND);
  }, 30_000);
});
