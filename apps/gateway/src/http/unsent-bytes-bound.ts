import type { Socket } from 'node:net';
import { libcFunction } from '../infra/native-libc';

/**
 * Bounds how much unsent data the kernel queues on a client connection, per socket, without a sysctl.
 *
 * Why: Node's `write()` pushes back only once the kernel refuses more, and Linux grows a connection's send
 * queue up to `net.ipv4.tcp_wmem`'s maximum (4 MiB by default). For a client that reads slower than the
 * provider writes, the gateway therefore reads, parses and re-encodes about 4 MB of its stream before
 * backpressure starts, and that work's garbage is what a slow stream costs in RSS (docs/deployment.md,
 * "Slow clients"). `TCP_NOTSENT_LOWAT` caps the *unsent* part of the queue (bytes in flight to a fast
 * client are not counted, so throughput is unaffected): past it the socket is not writable, `write()`
 * returns false and the stream waits for `drain`.
 *
 * Node exposes neither `setsockopt` nor `SO_SNDBUF` for TCP sockets (libuv's `uv_send_buffer_size` is
 * reachable only for UDP), so the option is set through `koffi` (already a dependency, for the local
 * engines) on the socket's file descriptor. Linux only; elsewhere, or when libc cannot be loaded, nothing
 * is set and `available()` says so once, so the gateway can warn (the `net.ipv4.tcp_notsent_lowat` sysctl
 * is then the way, docs/deployment.md).
 */
export interface UnsentBytesBound {
  /** Applies the bound to `socket`; false when it could not (not Linux, no libc, no fd, or setsockopt failed). */
  apply(socket: Socket): boolean;
  /** Whether `apply` can work on this platform; loads libc on the first call. */
  available(): boolean;
}

const IPPROTO_TCP = 6;
/** From <netinet/tcp.h>; Linux ≥ 3.12. */
const TCP_NOTSENT_LOWAT = 25;

type SetSockOpt = (fd: number, level: number, name: number, value: Buffer, length: number) => number;

/**
 * An `UnsentBytesBound` of `bytes` (> 0). Nothing is loaded until the first `apply` or `available`, so a
 * gateway whose bound is off (`server.tcpUnsentBytes: 0`) never loads koffi.
 */
export function unsentBytesBound(bytes: number): UnsentBytesBound {
  const value = Buffer.alloc(4);
  value.writeInt32LE(bytes);
  let setsockopt: SetSockOpt | null | undefined;
  const load = (): SetSockOpt | null => {
    if (setsockopt !== undefined) return setsockopt;
    setsockopt = libcFunction('int setsockopt(int, int, int, const void *, uint32_t)') as SetSockOpt | null;
    return setsockopt;
  };
  return {
    available: () => load() !== null,
    apply(socket) {
      const call = load();
      const fd = fdOf(socket);
      if (!call || fd === null) return false;
      return call(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, value, 4) === 0;
    },
  };
}

/** The descriptor of a connected TCP socket (libuv's handle exposes it on Unix), or null. */
function fdOf(socket: Socket): number | null {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } | null })._handle;
  const fd = handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}
