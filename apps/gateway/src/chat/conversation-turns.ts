import { Inject, Injectable } from '@nestjs/common';
import type { GatewayConfig } from '@voxgate/config';
import {
  type AssembledMessage,
  type AudioIdMapping,
  type AudioIdPolicy,
  fitHistory,
  tokensOf,
} from '@voxgate/conversation';
import { type ChatCompletionRequest, type ChatMessage, Errors } from '@voxgate/openai-wire';
import {
  AppendSessionTurn,
  LoadSessionHistory,
  newAssistantAudioId,
  ResolveAudioReferences,
  SESSION_ID,
  type StoredMessage,
  StoreAssistantAudio,
} from '@voxgate/sessions';
import type { Principal } from '@voxgate/tenancy';
import { JsonLogger } from '../infra/json-logger';
import { PendingWrites } from '../infra/pending-writes';
import { GATEWAY_CONFIG } from '../infra/tokens';

/** A request ready for the pipeline: history merged in when it names a session. */
export interface PreparedTurn {
  readonly request: ChatCompletionRequest;
  readonly sessionId: string | null;
  /** The messages the client sent in this request (what a session stores of the client). */
  readonly clientMessages: readonly ChatMessage[];
}

/** What a finished answer left for storage. */
export interface TurnOutcome {
  readonly message: AssembledMessage | null;
  /** Server tool calls and results that came before the final message. */
  readonly toolMessages?: readonly ChatMessage[];
  readonly audioIds: readonly AudioIdMapping[];
  /** Base64 audio of choice 0 (sessions keep it), and its format. */
  readonly audio: { data: string; format: string } | null;
}

/**
 * Multi-turn state around one completion: Voxgate audio ids (every audio answer gets one that outlives the
 * provider's), and `X-Session-Id` sessions (history prepended and trimmed to the model's context before
 * the call, the turn appended after it).
 */
@Injectable()
export class ConversationTurns {
  readonly audioIds: AudioIdPolicy;

  constructor(
    private readonly resolveAudio: ResolveAudioReferences,
    private readonly loadHistory: LoadSessionHistory,
    private readonly appendTurn: AppendSessionTurn,
    private readonly storeAudio: StoreAssistantAudio,
    private readonly pending: PendingWrites,
    private readonly logger: JsonLogger,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    const ttl = config.sessions.audioTtlSeconds;
    this.audioIds = {
      newId: newAssistantAudioId,
      expiresAt: (upstream) => Math.max(upstream, Math.floor(Date.now() / 1000) + ttl),
    };
  }

  /** Validates the session header; null when absent. */
  static sessionIdOf(header: string | string[] | undefined): string | null {
    if (header === undefined) return null;
    if (typeof header !== 'string' || !SESSION_ID.test(header)) {
      throw Errors.invalidRequest(
        'X-Session-Id must be 1-128 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-".',
        'X-Session-Id',
      );
    }
    return header;
  }

  async prepare(principal: Principal, request: ChatCompletionRequest, sessionId: string | null): Promise<PreparedTurn> {
    const clientMessages = await this.resolveAudio.execute(principal.tenantId, request.messages);
    if (!sessionId)
      return { request: { ...request, messages: clientMessages }, sessionId, clientMessages: request.messages };
    const turns = await this.loadHistory.execute(principal.tenantId, sessionId);
    const model = this.config.models.find(
      (entry) => entry.id === request.model || entry.aliases.includes(request.model),
    );
    const context = model?.contextTokens ?? 128_000;
    const reserve = request.max_completion_tokens ?? request.max_tokens ?? this.config.quotas.defaultOutputTokens;
    const history = fitHistory(turns, context - reserve - tokensOf(clientMessages));
    const leading = clientMessages.filter((message) => message.role === 'system' || message.role === 'developer');
    const rest = clientMessages.filter((message) => message.role !== 'system' && message.role !== 'developer');
    return {
      request: { ...request, messages: [...leading, ...history, ...rest] },
      sessionId,
      clientMessages: request.messages,
    };
  }

  /**
   * A request whose door sends the whole conversation itself (a realtime turn): nothing is loaded, and
   * `storedMessages` (the turn's new client messages) are what the session stores of the client.
   */
  async prepareProvided(
    principal: Principal,
    request: ChatCompletionRequest,
    sessionId: string | null,
    storedMessages: readonly ChatMessage[],
  ): Promise<PreparedTurn> {
    const messages = await this.resolveAudio.execute(principal.tenantId, request.messages);
    return { request: { ...request, messages }, sessionId, clientMessages: storedMessages };
  }

  /**
   * Stores audio-id mappings and the session turn (once per `idempotencyKey`, or per request id when the
   * client sent none: a retried request, or the outbox writing a turn whose first attempt timed out but
   * landed, adds nothing). A turn Redis could not take now goes to the outbox and is stored once Redis is
   * back. Never throws: the answer was already delivered.
   */
  async complete(
    principal: Principal,
    requestId: string,
    prepared: PreparedTurn,
    outcome: TurnOutcome,
    idempotencyKey: string | null = null,
  ): Promise<void> {
    try {
      const transcript = outcome.message?.transcript ?? '';
      await Promise.all(
        outcome.audioIds.map((mapping) =>
          this.storeAudio.execute(principal.tenantId, {
            id: mapping.id,
            expiresAt: this.audioIds.expiresAt(mapping.upstreamExpiresAt ?? 0),
            upstreamId: mapping.upstreamId,
            upstreamExpiresAt: mapping.upstreamExpiresAt ?? 0,
            transcript,
            format: outcome.audio?.format ?? 'pcm16',
            data: prepared.sessionId ? (outcome.audio?.data ?? null) : null,
          }),
        ),
      );
    } catch (error) {
      this.failed(principal, requestId, error);
    }
    if (!prepared.sessionId || !outcome.message) return;
    const command = {
      tenantId: principal.tenantId,
      sessionId: prepared.sessionId,
      requestId,
      idempotencyKey: idempotencyKey ?? requestId,
      clientMessages: prepared.clientMessages,
      generated: [...(outcome.toolMessages ?? []), outcome.message].map(
        (message) => message as unknown as StoredMessage,
      ),
      assistantAudioIds: outcome.audioIds.map((mapping) => mapping.id),
    };
    await this.pending
      .attempt({ kind: 'session-turn', command }, () => this.appendTurn.execute(command))
      .catch((error: unknown) => this.failed(principal, requestId, error));
  }

  private failed(principal: Principal, requestId: string, error: unknown): void {
    this.logger.event('error', 'session.store_failed', {
      requestId,
      tenantId: principal.tenantId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
