import type { Server } from 'node:http';
import { type BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { GatewayConfig } from '@voxgate/config';
import { Errors } from '@voxgate/openai-wire';
import type { RequestAbort } from '@voxgate/providers';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openaiHeaders } from '../http/response-headers';
import { JsonLogger } from './json-logger';
import { GATEWAY_CONFIG } from './tokens';

/** How long requests cut at the deadline get to write their in-band error, meter and store. */
export const SETTLE_AFTER_DEADLINE_MS = 1_000;
/** The process exits at the latest this long after the grace (see `armExitBackstop`). */
export const EXIT_MARGIN_MS = 1_800;
/** How often the drain looks for finished work and closes connections that went idle. */
const POLL_MS = 50;

/**
 * The drain that runs on SIGTERM/SIGINT, before Fastify closes and before queues and Redis close (Nest's
 * `beforeApplicationShutdown`, so Redis is still there to meter and store what ends):
 *
 * 1. `draining` turns true: `/readyz` answers 503, and requests arriving on connections that were already
 *    open get a 503 `server_shutting_down` (see `gateway-app.ts`); the listener closes, so new connections
 *    are refused.
 * 2. Tracked requests (chat completions, streams included) run on until they end or until
 *    `server.shutdownGraceMs` after the signal, whichever comes first; connections that go idle are
 *    closed as they do.
 * 3. At the deadline every tracked request still running is aborted with `Errors.serverShuttingDown()`
 *    as its signal's reason: the pipeline stops its upstream call (stalled or not), a stream writes that
 *    error in-band and is metered and stored like any other end. They get `SETTLE_AFTER_DEADLINE_MS` for
 *    that; then every remaining connection is closed.
 *
 * Nest then closes Fastify, the batch queue and Redis, and `main.ts` exits with code 0.
 */
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  private readonly inFlight = new Set<RequestAbort>();
  private startedAt: number | null = null;
  private deadlinePassed = false;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly logger: JsonLogger,
  ) {}

  /** True from the shutdown signal on: the replica must be taken out of rotation. */
  get draining(): boolean {
    return this.startedAt !== null;
  }

  /**
   * Registers a request in flight until the returned `done` is called (once it is completely finished:
   * answered, metered, stored). If it still runs at the deadline, `abort` is aborted with
   * `Errors.serverShuttingDown()`; registered after the deadline, at once.
   */
  track(abort: RequestAbort): () => void {
    if (this.deadlinePassed) abort.abort(Errors.serverShuttingDown());
    this.inFlight.add(abort);
    return () => this.inFlight.delete(abort);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (this.startedAt !== null) return;
    const startedAt = (this.startedAt = Date.now());
    const graceMs = this.config.server.shutdownGraceMs;
    const server = this.httpServer();
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    let serverClosed = false;
    void closed.then(() => (serverClosed = true));
    this.logger.event('info', 'shutdown.draining', { signal: signal ?? null, inFlight: this.inFlight.size, graceMs });

    const drained = () => this.inFlight.size === 0 && serverClosed;
    const finishedInTime = await this.waitFor(drained, startedAt + graceMs, server);
    if (!finishedInTime) {
      this.deadlinePassed = true;
      this.logger.event('warn', 'shutdown.deadline', { interrupted: this.inFlight.size });
      for (const abort of this.inFlight) abort.abort(Errors.serverShuttingDown());
      await this.waitFor(() => this.inFlight.size === 0, Date.now() + SETTLE_AFTER_DEADLINE_MS, server);
      server?.closeAllConnections();
    }
    this.logger.event('info', 'shutdown.drained', { ms: Date.now() - startedAt, unfinished: this.inFlight.size });
  }

  /** Polls `done` until `deadline`; closes connections that went idle meanwhile (a finished keep-alive). */
  private async waitFor(done: () => boolean, deadline: number, server: Server | null): Promise<boolean> {
    for (;;) {
      server?.closeIdleConnections();
      if (done()) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(deadline - Date.now(), 1))));
    }
  }

  /** The HTTP server, when this process listens (the worker app only initialises). */
  private httpServer(): Server | null {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    return server?.listening ? server : null;
  }
}

/**
 * Makes sure the process is gone `graceMs + EXIT_MARGIN_MS` after the first SIGTERM/SIGINT, whatever
 * hangs (a close that never returns, a socket nobody ends): logs and exits with code 1. The timer does not
 * keep the process alive. For processes only: tests that close an app in-process must not arm it.
 */
export function armExitBackstop(graceMs: number, logger: JsonLogger): void {
  const arm = () => {
    setTimeout(() => {
      logger.event('error', 'shutdown.forced', { afterMs: graceMs + EXIT_MARGIN_MS });
      process.exit(1);
    }, graceMs + EXIT_MARGIN_MS).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}

/** Probes keep answering while draining (`/readyz` says so itself). */
const ANSWERED_WHILE_DRAINING = new Set(['/healthz', '/readyz']);

/**
 * An `onRequest` hook: while draining, a request that arrives on a connection opened before the signal is
 * answered 503 `server_shutting_down` with `Connection: close` (the SDKs retry it, on a new connection that
 * reaches another replica). Batch lines do not pass here (they call the pipeline in process): the worker
 * stops starting lines itself, and the ones running finish.
 */
export function refuseWhileDraining(shutdown: GracefulShutdown) {
  // Callback style, as the gateway's other per-request hooks: an async hook costs every request a promise
  // and a microtask. Answering early, it does not call `done` (Fastify's rule for a hook that replies).
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (!shutdown.draining || ANSWERED_WHILE_DRAINING.has(request.url.split('?')[0] ?? '')) {
      done();
      return;
    }
    const error = Errors.serverShuttingDown();
    void reply
      .status(error.status)
      .headers({ ...openaiHeaders(reply), connection: 'close', 'content-type': 'application/json; charset=utf-8' })
      .send(error.toJSON());
  };
}
