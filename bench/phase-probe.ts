/**
 * Loaded into the gateway with `node --require` by `request-phases.bench.ts` (not a test, not product
 * code): times every socket write and read of each request, in µs from Node's `request` event, labelled
 * by peer: `client`, `redis` (the port in `PHASE_PROBE_REDIS_PORT`), `stdout` (a pipe), `upstream`
 * (anything else). Requests must come one at a time (a new `request` event starts the next record).
 *
 * On SIGUSR2 it writes to `PHASE_PROBE_OUT` (JSON) the median of each event over the requests recorded
 * since the previous signal, skipping the first `PHASE_PROBE_WARMUP` (default 100), and starts over.
 * Each event is named by peer, direction and rank within its request (`write redis #1`), with, for a
 * write, the median time the write call itself took.
 */
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

/** One event of one request: name, µs from the `request` event, and for a write how long the call took. */
type Event = readonly [name: string, at: number, took?: number];

export interface PhaseRow {
  readonly event: string;
  /** In how many of the recorded requests it happened. */
  readonly count: number;
  readonly atUs: number;
  readonly tookUs: number | null;
}

const redisPort = Number(process.env.PHASE_PROBE_REDIS_PORT ?? 6379);
const warmup = Number(process.env.PHASE_PROBE_WARMUP ?? 100);
const out = process.env.PHASE_PROBE_OUT ?? '';

const micros = () => Number(process.hrtime.bigint()) / 1000;
let start = 0;
let events: Event[] = [];
let requests: Event[][] = [];

function peerOf(socket: net.Socket): string {
  if ((socket as net.Socket & { server?: unknown }).server) return 'client';
  if (socket.remotePort === undefined) return 'stdout';
  return socket.remotePort === redisPort ? 'redis' : 'upstream';
}

/** The prototype's function `name` (own or inherited), to wrap and then call with the instance as `this`. */
function original<F>(prototype: object, name: string): F {
  return Reflect.get(prototype, name) as F;
}

const emit = original<(this: http.Server, name: string | symbol, ...args: unknown[]) => boolean>(
  http.Server.prototype,
  'emit',
);
http.Server.prototype.emit = function (this: http.Server, name: string | symbol, ...args: unknown[]) {
  if (name === 'request') {
    if (start) requests.push(events);
    start = micros();
    events = [];
    const response = args[1] as http.ServerResponse;
    response.once('finish', () => events.push(['response finish', micros() - start]));
  }
  return emit.call(this, name, ...args);
} as typeof http.Server.prototype.emit;

type Internal = net.Socket & { _writeGeneric(...args: unknown[]): unknown; push(chunk: unknown): boolean };
const socketPrototype = net.Socket.prototype as Internal;
const writeGeneric = original<(this: Internal, ...args: unknown[]) => unknown>(socketPrototype, '_writeGeneric');
socketPrototype._writeGeneric = function (this: Internal, ...args: unknown[]) {
  if (!start) return writeGeneric.apply(this, args);
  const at = micros() - start;
  const result = writeGeneric.apply(this, args);
  events.push([`write ${peerOf(this)}`, at, micros() - start - at]);
  return result;
};
const push = original<(this: Internal, chunk: unknown) => boolean>(socketPrototype, 'push');
socketPrototype.push = function (this: Internal, chunk: unknown) {
  if (start && chunk) events.push([`read ${peerOf(this)}`, micros() - start]);
  return push.call(this, chunk);
};

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[values.length >> 1]!;
}

process.on('SIGUSR2', () => {
  if (start) requests.push(events);
  const byEvent = new Map<string, { at: number[]; took: number[] }>();
  for (const request of requests.slice(warmup)) {
    const rank = new Map<string, number>();
    for (const [name, at, took] of request) {
      const n = (rank.get(name) ?? 0) + 1;
      rank.set(name, n);
      const key = `${name} #${n}`;
      const entry = byEvent.get(key) ?? { at: [], took: [] };
      byEvent.set(key, entry);
      entry.at.push(at);
      if (took !== undefined) entry.took.push(took);
    }
  }
  const rows: PhaseRow[] = [...byEvent].map(([event, { at, took }]) => ({
    event,
    count: at.length,
    atUs: median(at),
    tookUs: took.length ? median(took) : null,
  }));
  rows.sort((a, b) => a.atUs - b.atUs);
  if (out) writeFileSync(out, JSON.stringify({ requests: Math.max(0, requests.length - warmup), rows }));
  start = 0;
  events = [];
  requests = [];
});
