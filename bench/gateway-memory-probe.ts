/**
 * Preloaded into the gateway by the slow-readers bench (`node --expose-gc --require <this>`), never by the
 * gateway itself. It looks, it does not change what the gateway does:
 *
 * - every 100 ms it writes one JSON `ProbeSample` to `VOXGATE_PROBE_FILE` (replacing the previous one):
 *   `process.memoryUsage()`, the size of each V8 heap space, and `upstreamRead`, the bytes the gateway's sockets to
 *   127.0.0.1:`VOXGATE_PROBE_UPSTREAM_PORT` delivered to JavaScript (`socket.bytesRead`, closed sockets
 *   included), which excludes what waits in the kernel's socket buffers: the proof of backpressure;
 * - when `VOXGATE_PROBE_FILE.gc-request` appears it deletes it, runs a full garbage collection, then
 *   writes a sample to `VOXGATE_PROBE_FILE.gc`: the memory still reachable, to tell a leak from garbage not
 *   yet collected or heap the allocator keeps. (Not a signal: the gateway shuts down on SIGUSR2.)
 */
import { subscribe } from 'node:diagnostics_channel';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { getHeapSpaceStatistics } from 'node:v8';

export interface ProbeSample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly upstreamRead: number;
  /** Bytes V8 reserved per heap space (`new_space`, `old_space`, `large_object_space`, …). */
  readonly spaces: Readonly<Record<string, number>>;
}

const file = process.env.VOXGATE_PROBE_FILE;
const upstreamPort = Number(process.env.VOXGATE_PROBE_UPSTREAM_PORT);

if (file) {
  const open = new Set<Socket>();
  let closedRead = 0;
  subscribe('net.client.socket', (message) => {
    const { socket } = message as { socket: Socket };
    socket.once('connect', () => {
      if (socket.remotePort !== upstreamPort) return;
      open.add(socket);
      socket.once('close', () => {
        open.delete(socket);
        closedRead += socket.bytesRead;
      });
    });
  });
  const sample = (): ProbeSample => {
    let upstreamRead = closedRead;
    for (const socket of open) upstreamRead += socket.bytesRead;
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    const spaces: Record<string, number> = {};
    for (const space of getHeapSpaceStatistics()) spaces[space.space_name] = space.space_size;
    return { rss, heapUsed, heapTotal, external, arrayBuffers, upstreamRead, spaces };
  };
  // Written aside and renamed, so the bench never reads half a sample.
  const write = (path: string) => {
    writeFileSync(`${path}.tmp`, JSON.stringify(sample()));
    renameSync(`${path}.tmp`, path);
  };
  setInterval(() => {
    write(file);
    if (!existsSync(`${file}.gc-request`)) return;
    rmSync(`${file}.gc-request`);
    // Twice, apart: array buffers a collection found dead are freed by a sweeper that runs after it.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    setTimeout(() => {
      gc?.();
      write(`${file}.gc`);
    }, 200);
  }, 100).unref();
}
