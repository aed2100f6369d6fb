import { type IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayConfig } from '@voxgate/config';
import { ModelCatalog } from '@voxgate/conversation';
import { Errors, GatewayError } from '@voxgate/openai-wire';
import { InputTranscriptStore, LoadSessionHistory, SessionRepository } from '@voxgate/sessions';
import { type SessionUpdate, SessionUpdateSchema } from '@voxgate/realtime';
import {
  AuthenticateApiKey,
  AuthenticateKeyId,
  type Principal,
  QuotaRepository,
  ReserveQuota,
  SettleQuota,
  StreamLeaseKeeper,
} from '@voxgate/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WebSocketServer } from 'ws';
import { OriginPolicy } from '../auth/origin-policy';
import { CompletionPipeline } from '../chat/completion-pipeline';
import { ConversationTurns } from '../chat/conversation-turns';
import { openaiHeaders } from '../http/response-headers';
import { MeteredAudio } from '../audio/metered-audio';
import { Transcription } from '../audio/transcription';
import { GracefulShutdown } from '../infra/graceful-shutdown';
import { JsonLogger } from '../infra/json-logger';
import { REDIS } from '../infra/tokens';
import type { PassthroughConnection } from './passthrough/passthrough-connection';
import { PassthroughSessions } from './passthrough/passthrough-sessions';
import { passthroughTargetOf } from './passthrough/passthrough-target';
import { PipelineTurnRunner } from './pipeline-turn-runner';
import { RealtimeConnection } from './realtime-connection';
import { REALTIME_LIMITS } from './realtime-limits';
import { loadStoredConversation, type RestoredItem } from './stored-conversation';
import { createTurnDetection } from './turn-detection';
import { TurnTranscriber } from './turn-transcriber';

export const REALTIME_PATH = '/v1/realtime';
const BROWSER_KEY_PREFIX = 'openai-insecure-api-key.';

/** The upgrade's socket and head, parked on the raw request while Fastify routes it. */
const pendingUpgrades = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer }>();

/**
 * `GET /v1/realtime?model=…`: OpenAI's Realtime API over a WebSocket, bridged onto chat completions.
 *
 * The upgrade request is routed through Fastify like any request (a `ServerResponse` is bound to the
 * upgrading socket, the way `@fastify/websocket` does it), so the HTTP hardening applies before any
 * WebSocket exists: request id, Host check, draining refusal, OpenAI headers, the access log. A refused
 * handshake is an ordinary HTTP error in OpenAI's envelope: 401 (no or bad key), 403 (wrong scope),
 * 404 (unknown model), 400 (no model, unsupported `intent`/`call_id`), 426 (not an upgrade), 429 (the
 * tenant's `concurrent_streams`, one lease held per session, renewed while it lives, released on close;
 * its turns take none of their own).
 *
 * Conversation: `?session_id=` (or `X-Session-Id`) keeps it in the session store under that id, so a
 * reconnect with the same id resumes it (ADR 0013); without it the conversation lives with the socket.
 *
 * Auth: `Authorization: Bearer <tenant key>`, or for browsers the subprotocol
 * `openai-insecure-api-key.<key>` next to `realtime`; the server echoes `realtime` only, never the key.
 * The key may be a client secret (`ek_…`, ADR 0015): then `model` must be the secret's (else 403) and
 * the session starts with the secret's bound settings. A handshake with an `Origin` header must come
 * from an origin the tenant allows (`OriginPolicy`, else 403).
 */
export function registerRealtime(app: NestFastifyApplication, config: GatewayConfig): void {
  const fastify = app.getHttpAdapter().getInstance();
  const logger = app.get(JsonLogger);
  const deps = {
    authenticate: app.get(AuthenticateApiKey),
    models: app.get(ModelCatalog),
    reserve: app.get(ReserveQuota),
    settle: app.get(SettleQuota),
    quotas: app.get(QuotaRepository),
    pipeline: app.get(CompletionPipeline),
    authenticateKeyId: app.get(AuthenticateKeyId),
    history: app.get(LoadSessionHistory),
    sessions: app.get(SessionRepository),
    passthrough: new PassthroughSessions(app),
    origins: app.get(OriginPolicy),
    turnDetection: createTurnDetection(config, logger),
    transcription: app.get(Transcription),
    meteredAudio: app.get(MeteredAudio),
    transcripts: new InputTranscriptStore(app.get(REDIS), config.sessions.inputAudioTtlSeconds),
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: REALTIME_LIMITS.maxFrameBytes,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  const connections = new Set<RealtimeConnection | PassthroughConnection>();
  const shutdown = app.get(GracefulShutdown);
  // While sessions are open, watch for the drain (SIGTERM): sessions close once their answer is spoken.
  let drainWatch: NodeJS.Timeout | null = null;
  const watchDrain = () => {
    if (drainWatch || connections.size === 0) return;
    drainWatch = setInterval(() => {
      if (connections.size === 0 && drainWatch) {
        clearInterval(drainWatch);
        drainWatch = null;
      } else if (shutdown.draining) for (const connection of connections) connection.closeWhenIdle();
    }, 100);
    drainWatch.unref();
  };

  fastify.server.on('upgrade', (raw: IncomingMessage, socket: Duplex, head: Buffer) => {
    pendingUpgrades.set(raw, { socket, head });
    const response = new ServerResponse(raw);
    response.assignSocket(socket as never);
    // A refused handshake is an HTTP answer; once written, the socket has no further use.
    response.once('finish', () => socket.end());
    socket.on('error', () => socket.destroy());
    try {
      fastify.routing(raw, response);
    } catch {
      socket.destroy();
    }
  });

  fastify.get(REALTIME_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const upgrade = pendingUpgrades.get(request.raw);
    try {
      if (!upgrade || request.headers.upgrade?.toLowerCase() !== 'websocket') {
        throw new GatewayError(
          426,
          'invalid_request_error',
          'upgrade_required',
          'This endpoint speaks the Realtime API over a WebSocket: send a WebSocket upgrade request.',
        );
      }
      const query = request.query as Record<string, unknown>;
      if (query.intent !== undefined || query.call_id !== undefined) {
        throw Errors.invalidRequest(
          'Only `?model=` sessions are supported here: transcription sessions (`intent`) and call sidebands (`call_id`) are not.',
          query.intent !== undefined ? 'intent' : 'call_id',
          'unsupported_value',
        );
      }
      if (typeof query.model !== 'string' || query.model === '') {
        throw Errors.invalidRequest(
          'Missing required parameter: `model` (query string).',
          'model',
          'missing_required_parameter',
        );
      }
      const principal = await deps.authenticate.execute(authorizationOf(request));
      if (principal.scope !== 'client') {
        throw new GatewayError(
          403,
          'invalid_request_error',
          'insufficient_permissions',
          `This key has the '${principal.scope}' scope; this endpoint needs a key with the 'client' scope.`,
        );
      }
      const model = query.model;
      // `realtime: passthrough` models go to the provider's realtime endpoint (./passthrough), others are bridged.
      const passthrough = passthroughTargetOf(config, model);
      if (!passthrough) resolveBridgedModel(deps.models, model);
      await deps.origins.check(request.headers, principal.tenantId);
      const initialSession = clientSecretSession(deps.models, principal, model);
      const sessionId = ConversationTurns.sessionIdOf(
        (query.session_id as string | string[] | undefined) ?? request.headers['x-session-id'],
      );
      const restored: RestoredItem[] = sessionId
        ? await loadStoredConversation(deps.history, principal.tenantId, sessionId, deps.transcripts)
        : [];
      const reservation = await deps.reserve.execute(principal, { tokens: 0, spendMicros: 0, audioMs: 0 }, true);
      const keeper = new StreamLeaseKeeper(deps.quotas, reservation, config.quotas.streamLeaseMs);
      const release = () => {
        keeper.stop();
        void deps.settle
          .execute(reservation, { tokens: 0, spendMicros: 0, audioMs: 0 })
          .catch((error: unknown) =>
            logger.event('warn', 'realtime lease release failed', { requestId: request.id, error: String(error) }),
          );
      };
      reply.hijack();
      let accepted = false;
      wss.handleUpgrade(request.raw, upgrade.socket, upgrade.head, (socket) => {
        accepted = true;
        // Tracked like a request in flight: the drain waits for it, and its deadline closes it.
        const tracker = new AbortController();
        const untrack = shutdown.track(tracker);
        const onClosed = () => {
          connections.delete(connection);
          untrack();
          release();
        };
        const connection = passthrough
          ? deps.passthrough.open({
              socket,
              target: passthrough,
              principal,
              requestId: request.id,
              ...(initialSession ? { initialSession } : {}),
              onClosed,
            })
          : new RealtimeConnection({
              socket,
              model,
              keyId: principal.keyId,
              tenantId: principal.tenantId,
              requestId: request.id,
              runner: new PipelineTurnRunner({
                pipeline: deps.pipeline,
                authenticateKeyId: deps.authenticateKeyId,
                logger,
                connectionRequestId: request.id,
                maxSilenceMs: config.server.sseMaxSilenceMs,
              }),
              history: {
                sessionId,
                restored,
                historyAudioBytes: config.realtime.historyAudioBytes,
                ...(sessionId
                  ? {
                      onStoredAnswerTruncated: (turnId: string, transcript: string) =>
                        deps.sessions
                          .recordHeardAnswer(principal.tenantId, sessionId, turnId, transcript)
                          .catch((error: unknown) =>
                            logger.event('warn', 'realtime: could not record a truncated answer in the session', {
                              requestId: request.id,
                              error: error instanceof Error ? error.message : String(error),
                            }),
                          ),
                    }
                  : {}),
              },
              transcriber: new TurnTranscriber({
                transcription: deps.transcription,
                metered: deps.meteredAudio,
                authenticateKeyId: deps.authenticateKeyId,
                transcripts: deps.transcripts,
                logger,
                connectionRequestId: request.id,
              }),
              turnDetector: deps.turnDetection.factory,
              maxBufferSeconds: config.audio.maxInputSeconds,
              ...(initialSession ? { initialSession } : {}),
              logger,
              onClosed,
            });
        tracker.signal.addEventListener('abort', () => connection.shutdown(), { once: true });
        connections.add(connection);
        watchDrain();
      });
      // `ws` answers a bad handshake (bad Sec-WebSocket-Key or version) itself with a 400, synchronously.
      if (!accepted) release();
    } catch (error) {
      const gatewayError = error instanceof GatewayError ? error : Errors.internal();
      if (!(error instanceof GatewayError))
        logger.event('error', 'realtime handshake failed', { requestId: request.id, error: String(error) });
      return reply
        .status(gatewayError.status)
        .headers({
          ...openaiHeaders(reply),
          ...gatewayError.headers,
          connection: 'close',
          'content-type': 'application/json; charset=utf-8',
        })
        .send(gatewayError.toJSON());
    } finally {
      pendingUpgrades.delete(request.raw);
    }
  });

  fastify.addHook('preClose', (done) => {
    for (const connection of connections) connection.shutdown();
    done();
  });
}

/** The bearer key from `Authorization`, or from the browser subprotocol `openai-insecure-api-key.<key>`. */
function authorizationOf(request: FastifyRequest): string | undefined {
  if (request.headers.authorization) return request.headers.authorization;
  const protocols = request.headers['sec-websocket-protocol'];
  const key = protocols
    ?.split(',')
    .map((entry) => entry.trim())
    .find((entry) => entry.startsWith(BROWSER_KEY_PREFIX))
    ?.slice(BROWSER_KEY_PREFIX.length);
  return key ? `Bearer ${key}` : undefined;
}

/**
 * For a client secret: its model must be the session's (alias and snapshot are the same model), and the
 * session starts with its bound settings (`model` dropped: fixed by the handshake). Undefined for a key.
 */
function clientSecretSession(models: ModelCatalog, principal: Principal, model: string): SessionUpdate | undefined {
  const grant = principal.clientSecret;
  if (!grant) return undefined;
  if (models.resolve(model).snapshot !== models.resolve(grant.model).snapshot) {
    throw Errors.clientSecretNotAllowed(`this one is bound to the model '${grant.model}'.`);
  }
  const parsed = SessionUpdateSchema.safeParse({ ...grant.session, model: undefined });
  return parsed.success ? parsed.data : undefined;
}

/** The session's model must serve chat completions: each turn is bridged onto them. */
function resolveBridgedModel(models: ModelCatalog, model: string): void {
  try {
    models.resolve(model, 'chat/completions');
  } catch (error) {
    if (!(error instanceof GatewayError) || error.code !== 'model_not_supported') throw error;
    throw Errors.invalidRequest(
      `The model '${model}' does not serve chat completions, which realtime sessions are bridged onto.`,
      'model',
      'model_not_supported',
    );
  }
}
