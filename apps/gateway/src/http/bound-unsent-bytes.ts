import type { Server } from 'node:net';
import type { JsonLogger } from '../infra/json-logger';
import { unsentBytesBound } from './unsent-bytes-bound';

/**
 * Applies `server.tcpUnsentBytes` to every connection `server` accepts (see `unsentBytesBound`). When the
 * platform cannot (not Linux, no libc), it warns once, on the first connection, and leaves sockets as
 * they are: streams still work, a slow reader just lets the gateway read up to the kernel's send buffer.
 * 0 does nothing (and never loads koffi).
 */
export function boundUnsentBytes(server: Server, bytes: number, logger: JsonLogger): void {
  if (bytes <= 0) return;
  const bound = unsentBytesBound(bytes);
  let warned = false;
  server.on('connection', (socket) => {
    if (bound.apply(socket) || warned) return;
    warned = true;
    logger.event('warn', 'cannot bound unsent bytes per connection (server.tcpUnsentBytes)', {
      platform: process.platform,
      hint: 'set the net.ipv4.tcp_notsent_lowat sysctl instead (docs/deployment.md#slow-clients)',
    });
  });
}
