import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { JsonLogger } from '../infra/json-logger';
import { boundUnsentBytes } from './bound-unsent-bytes';

/**
 * Real loopback sockets: a server writes to a client that reads nothing, as fast as `write()` lets it,
 * and counts what the kernel took before pushing back for good. That count is what a gateway stream
 * reads from its provider ahead of a client that does not read.
 */
const CHUNK = Buffer.alloc(16 * 1024, 'x');
const MB = 1024 * 1024;

function logger(): { logger: JsonLogger; warnings: string[] } {
  const warnings: string[] = [];
  const fake = { event: (_level: string, msg: string) => warnings.push(msg) } as unknown as JsonLogger;
  return { logger: fake, warnings };
}

/** Bytes `write()` accepted towards a client that never reads, once no `drain` came for 300 ms. */
async function acceptedTowardsIdleClient(bytes: number, log: JsonLogger): Promise<number> {
  const sockets: Socket[] = [];
  const server: Server = createServer();
  boundUnsentBytes(server, bytes, log);
  const accepted = new Promise<number>((resolve) => {
    server.on('connection', (socket) => {
      sockets.push(socket);
      let written = 0;
      let quiet: NodeJS.Timeout | undefined;
      const pump = () => {
        clearTimeout(quiet);
        while (written < 64 * MB && socket.write(CHUNK)) written += CHUNK.length;
        written += CHUNK.length;
        quiet = setTimeout(() => resolve(written - socket.writableLength), 300);
      };
      socket.on('drain', pump);
      socket.on('error', () => undefined);
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createConnection((server.address() as AddressInfo).port, '127.0.0.1');
  client.pause();
  sockets.push(client);
  try {
    return await accepted;
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

const linux = process.platform === 'linux' ? describe : describe.skip;

linux('boundUnsentBytes (Linux, real sockets)', () => {
  it('stops the kernel taking more than about the bound for a client that reads nothing', async () => {
    const { logger: log, warnings } = logger();
    const accepted = await acceptedTowardsIdleClient(128 * 1024, log);
    // The bound, plus what the idle client's receive buffer took before its window closed.
    expect(accepted).toBeLessThan(1 * MB);
    expect(warnings).toEqual([]);
  });

  // With the sysctl set on this host, the control would measure the sysctl, not the kernel's default.
  const kernelDefault = Number(readFileSync('/proc/sys/net/ipv4/tcp_notsent_lowat', 'utf8')) >= 4 * MB;
  (kernelDefault ? it : it.skip)('leaves the kernel its default when the bound is 0 (control: far more)', async () => {
    const { logger: log } = logger();
    expect(await acceptedTowardsIdleClient(0, log)).toBeGreaterThan(2 * MB);
  });
});
